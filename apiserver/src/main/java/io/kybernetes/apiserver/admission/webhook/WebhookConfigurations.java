package io.kybernetes.apiserver.admission.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WatchSink;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The stored Mutating- and ValidatingWebhookConfigurations, listed once and then kept by a store watch (as upstream's
 * informers), so an admission never reads them. Webhooks are ordered by configuration name, then as listed.
 */
@ApplicationScoped
public class WebhookConfigurations {

    private static final Logger LOG = Logger.getLogger(WebhookConfigurations.class);
    static final String MUTATING = "/registry/mutatingwebhookconfigurations/";
    static final String VALIDATING = "/registry/validatingwebhookconfigurations/";

    private final EtcdStore store;
    private final Vertx vertx;
    private final Map<String, Cached> caches = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    public WebhookConfigurations(EtcdStore store, Vertx vertx) {
        this.store = store;
        this.vertx = vertx;
        caches.put(MUTATING, new Cached(MUTATING));
        caches.put(VALIDATING, new Cached(VALIDATING));
    }

    void onStart(@Observes StartupEvent e) {
        caches.values().forEach(c -> c.start(0));
    }

    void onStop(@Observes ShutdownEvent e) {
        stopped = true;
        caches.values().forEach(Cached::close);
    }

    /** The mutating webhooks, in the order they run. */
    public List<Webhook> mutating() {
        return caches.get(MUTATING).webhooks;
    }

    /** The validating webhooks. */
    public List<Webhook> validating() {
        return caches.get(VALIDATING).webhooks;
    }

    /** One watched prefix: configuration name -> its webhooks, flattened in name order on every change. */
    private final class Cached implements WatchSink {
        final String prefix;
        final TreeMap<String, List<Webhook>> byName = new TreeMap<>();
        volatile List<Webhook> webhooks = List.of();
        volatile AutoCloseable watch;

        Cached(String prefix) {
            this.prefix = prefix;
        }

        void start(int attempt) {
            if (stopped) {
                return;
            }
            store.list(prefix).whenComplete((list, t) -> {
                if (t != null) {
                    if (attempt % 10 == 0) {
                        LOG.warnf("cannot list %s yet: %s", prefix, t.getMessage());
                    }
                    vertx.setTimer(Math.min(5000, 200L * (attempt + 1)), id -> start(attempt + 1));
                    return;
                }
                synchronized (this) {
                    byName.clear();
                    for (StoredValue v : list.items()) {
                        put(GenericStore.decode(v));
                    }
                    publish();
                }
                watch = store.watch(prefix, list.revision() + 1, this);
            });
        }

        private void put(ObjectNode config) {
            String name = config.path("metadata").path("name").asText("");
            try {
                byName.put(name, Webhook.of(config));
            } catch (RuntimeException e) {
                // stored without this apiserver's validation (e.g. written to etcd directly)
                LOG.warnf("ignoring webhook configuration %s: %s", name, e.getMessage());
                byName.remove(name);
            }
        }

        private void publish() {
            List<Webhook> all = new ArrayList<>();
            byName.values().forEach(all::addAll);
            webhooks = List.copyOf(all);
            LOG.debugf("%s: %d webhooks", prefix, all.size());
        }

        @Override
        public synchronized void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted) {
            if (deleted) {
                if (prev != null) {
                    byName.remove(GenericStore.decode(prev).path("metadata").path("name").asText(""));
                }
            } else {
                put(GenericStore.decode(value));
            }
            publish();
        }

        @Override
        public void onCompacted(long compactedRevision) {
            restart();
        }

        @Override
        public void onError(Throwable error) {
            LOG.warnf("watch of %s failed: %s", prefix, error.toString());
            restart();
        }

        private void restart() {
            close();
            vertx.setTimer(1000, id -> start(0));
        }

        void close() {
            AutoCloseable w = watch;
            if (w != null) {
                try {
                    w.close();
                } catch (Exception ex) {
                    LOG.debugf("closing the watch of %s: %s", prefix, ex);
                }
            }
        }
    }
}
