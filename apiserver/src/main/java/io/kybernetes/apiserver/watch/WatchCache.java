package io.kybernetes.apiserver.watch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WatchSink;

/**
 * The watch side of upstream's cacher: one store watch per resource (key root), shared by every client watch of
 * that resource, whatever its namespace, and a window of its recent changes, so that a client resuming from a
 * recent resourceVersion is served without a store watch of its own. Each live change is delivered to all its
 * watchers as one {@link Change}, so it is decoded and encoded once, not once per watcher.
 *
 * <p>A watch from a revision the window no longer covers gets a store watch of its own, which answers 410 Gone
 * when the store has compacted that revision. A resource's store watch ends a minute after its last watcher.
 */
@ApplicationScoped
public class WatchCache {

    private static final Logger LOG = Logger.getLogger(WatchCache.class);
    /** The window: at most this many changes and this many bytes of stored values per resource. */
    private final int windowChanges;
    private static final long WINDOW_BYTES = 8L << 20;
    private final long lingerMillis;

    private final EtcdStore store;
    private final Map<String, Hub> hubs = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watch-cache-linger");
        t.setDaemon(true);
        return t;
    });

    public WatchCache(GenericStore store, ApiserverConfig config) {
        this.store = store.etcd();
        this.windowChanges = config.defaultWatchCacheSize();
        this.lingerMillis = config.watchCacheLinger().toMillis();
    }

    /** Receives the changes of one client watch, in revision order. */
    public interface Listener {

        void onChange(Change change);

        /** The requested start revision was compacted away. */
        void onCompacted(long compactedRevision);

        void onError(Throwable error);
    }

    /**
     * Watches the keys under {@code prefix} (inside the resource's {@code root}) from {@code fromRevision}
     * (inclusive). Close the result to stop.
     */
    public AutoCloseable watch(String root, String prefix, long fromRevision, Listener listener) {
        Subscriber sub = new Subscriber(prefix, fromRevision, listener);
        synchronized (hubs) {
            if (windowChanges <= 0) {
                return own(prefix, fromRevision, listener);
            }
            Hub hub = hubs.get(root);
            if (hub == null) {
                hub = new Hub(root, fromRevision);
                hubs.put(root, hub);
                hub.add(sub);
                hub.start();
                return () -> unsubscribe(sub);
            }
            if (hub.add(sub)) {
                return () -> unsubscribe(sub);
            }
        }
        return own(prefix, fromRevision, listener); // older than the window
    }

    private AutoCloseable own(String prefix, long fromRevision, Listener listener) {
        return store.watch(prefix, fromRevision, new WatchSink() {
            @Override
            public void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted) {
                listener.onChange(new Change(value, prev, revision, deleted));
            }

            @Override
            public void onCompacted(long compactedRevision) {
                listener.onCompacted(compactedRevision);
            }

            @Override
            public void onError(Throwable error) {
                listener.onError(error);
            }
        });
    }

    private void unsubscribe(Subscriber sub) {
        synchronized (hubs) {
            Hub hub = sub.hub;
            if (hub == null || !hub.remove(sub) || !hub.idle()) {
                return;
            }
            timer.schedule(() -> closeIfIdle(hub), lingerMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void closeIfIdle(Hub hub) {
        synchronized (hubs) {
            if (hub.idle() && hubs.get(hub.root) == hub) {
                hubs.remove(hub.root);
                hub.stop();
            }
        }
    }

    /** Drops a hub whose store watch failed; its watchers have been told. */
    private void forget(Hub hub) {
        synchronized (hubs) {
            if (hubs.get(hub.root) == hub) {
                hubs.remove(hub.root);
            }
        }
    }

    /** How many resources have a shared store watch (for tests and metrics). */
    int hubCount() {
        synchronized (hubs) {
            return hubs.size();
        }
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
        synchronized (hubs) {
            hubs.values().forEach(Hub::stop);
            hubs.clear();
        }
    }

    private static final class Subscriber {
        final String prefix;
        final long from;
        final Listener listener;
        Hub hub;

        Subscriber(String prefix, long from, Listener listener) {
            this.prefix = prefix;
            this.from = from;
            this.listener = listener;
        }

        void offer(Change c) {
            if (c.revision() >= from && c.key().startsWith(prefix)) {
                listener.onChange(c);
            }
        }
    }

    /** One resource's store watch, its window of recent changes and its subscribers. */
    private final class Hub implements WatchSink {
        final String root;
        /** Every change from this revision on is in the window. */
        long coveredFrom;
        final ArrayDeque<Change> window = new ArrayDeque<>();
        long bytes;
        final List<Subscriber> subscribers = new ArrayList<>();
        AutoCloseable storeWatch;
        boolean stopped;

        Hub(String root, long from) {
            this.root = root;
            this.coveredFrom = from;
        }

        void start() {
            storeWatch = store.watch(root, coveredFrom, this);
        }

        /** Adds a subscriber and replays the window from its revision; false when the window does not reach back. */
        synchronized boolean add(Subscriber sub) {
            if (stopped || sub.from < coveredFrom) {
                return false;
            }
            sub.hub = this;
            for (Change c : window) {
                sub.offer(c.fresh());
            }
            subscribers.add(sub);
            return true;
        }

        synchronized boolean remove(Subscriber sub) {
            return subscribers.remove(sub);
        }

        synchronized boolean idle() {
            return subscribers.isEmpty();
        }

        synchronized void stop() {
            stopped = true;
            subscribers.clear();
            window.clear();
            try {
                if (storeWatch != null) {
                    storeWatch.close();
                }
            } catch (Exception e) {
                LOG.debugf("closing the store watch of %s: %s", root, e);
            }
        }

        @Override
        public synchronized void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted) {
            if (stopped) {
                return;
            }
            Change c = new Change(value, prev, revision, deleted);
            window.addLast(c.fresh());
            bytes += c.size();
            while (window.size() > windowChanges || bytes > WINDOW_BYTES) {
                Change dropped = window.removeFirst();
                bytes -= dropped.size();
                coveredFrom = dropped.revision() + 1;
            }
            for (Subscriber s : subscribers) {
                s.offer(c);
            }
        }

        @Override
        public void onCompacted(long compactedRevision) {
            for (Subscriber s : fail()) {
                s.listener.onCompacted(compactedRevision);
            }
        }

        @Override
        public void onError(Throwable error) {
            LOG.warnf("the shared watch of %s failed: %s", root, error.toString());
            for (Subscriber s : fail()) {
                s.listener.onError(error);
            }
        }

        private List<Subscriber> fail() {
            forget(this);
            synchronized (this) {
                List<Subscriber> subs = new ArrayList<>(subscribers);
                stop();
                return subs;
            }
        }
    }
}
