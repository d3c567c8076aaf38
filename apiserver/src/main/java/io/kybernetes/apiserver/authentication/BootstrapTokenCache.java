package io.kybernetes.apiserver.authentication;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WatchSink;

/**
 * The bootstrap token Secrets of kube-system, kept in memory by one store watch of the keys
 * {@code <secrets root>/kube-system/bootstrap-token-} (upstream's authenticator reads a Secret lister the same way),
 * so a request with a bootstrap token costs no store read. Started by the first bootstrap token; until the first list
 * is in, a lookup reads its one key. A failed or compacted watch lists again after a second.
 */
final class BootstrapTokenCache implements WatchSink {

    private static final Logger LOG = Logger.getLogger(BootstrapTokenCache.class);
    private static final long RETRY_MILLIS = 1000;

    private final EtcdStore etcd;
    private final String prefix;
    private final Map<String, ObjectNode> secrets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bootstrap-token-cache");
        t.setDaemon(true);
        return t;
    });
    private boolean started;
    private volatile boolean synced;
    private AutoCloseable watch;

    /** {@code prefix}: the store key of Secret kube-system/bootstrap-token- (without the id). */
    BootstrapTokenCache(EtcdStore etcd, String prefix) {
        this.etcd = etcd;
        this.prefix = prefix;
    }

    /** The Secret of token {@code id}, or null. */
    CompletableFuture<ObjectNode> secret(String id) {
        start();
        if (synced) {
            return CompletableFuture.completedFuture(secrets.get(prefix + id));
        }
        return etcd.get(prefix + id).thenApply(v -> v.map(GenericStore::decode).orElse(null));
    }

    private synchronized void start() {
        if (!started) {
            started = true;
            list();
        }
    }

    private void list() {
        etcd.list(prefix).whenComplete((r, t) -> {
            if (t != null) {
                LOG.debugf("cannot list the bootstrap token secrets: %s", t.getMessage());
                retry.schedule(this::list, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            synchronized (this) {
                secrets.clear();
                for (StoredValue v : r.items()) {
                    secrets.put(v.key(), GenericStore.decode(v));
                }
                watch = etcd.watch(prefix, r.revision() + 1, this);
                synced = true;
            }
            LOG.debugf("watching %d bootstrap token secret(s) from revision %d", secrets.size(), r.revision() + 1);
        });
    }

    @Override
    public void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted) {
        if (deleted) {
            secrets.remove(prev != null ? prev.key() : "");
        } else {
            secrets.put(value.key(), GenericStore.decode(value));
        }
    }

    @Override
    public void onCompacted(long compactedRevision) {
        relist("compacted at " + compactedRevision);
    }

    @Override
    public void onError(Throwable error) {
        relist(String.valueOf(error.getMessage()));
    }

    private synchronized void relist(String why) {
        LOG.debugf("bootstrap token watch ended (%s): listing again", why);
        synced = false;
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (Exception e) {
            // closing a broken watch
        }
        watch = null;
        retry.schedule(this::list, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
}
