package io.kybernetes.controllers.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Informer events become keys in a {@link RateLimitedQueue}; workers take a key, call the {@link Reconciler} and
 * act on its {@link Result}: forget the key, retry it with back-off (also on exceptions), or look again later.
 * Retry is written here once for every controller.
 */
public final class QueueController {

    private static final Logger LOG = Logger.getLogger(QueueController.class);

    private final String name;
    private final Reconciler reconciler;
    private final RateLimitedQueue queue;
    private final int workers;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong retries = new AtomicLong();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    public QueueController(String name, Reconciler reconciler, int workers) {
        this.name = name;
        this.reconciler = reconciler;
        this.queue = new RateLimitedQueue(name);
        this.workers = workers;
    }

    /** Declares the informers whose caches must be synced before the workers start. */
    public QueueController dependsOn(SharedIndexInformer<?>... deps) {
        informers.addAll(List.of(deps));
        return this;
    }

    public List<SharedIndexInformer<?>> informers() {
        return List.copyOf(informers);
    }

    public String name() {
        return name;
    }

    /** Keys waiting (not in flight), for the workqueue_depth metric. */
    public int depth() {
        return queue.length();
    }

    /** Keys retried so far, for the workqueue_retries_total metric. */
    public long retries() {
        return retries.get();
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    public void enqueueAfter(String key, Duration delay) {
        queue.addAfter(key, delay);
    }

    public static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? o.getMetadata().getName() : ns + "/" + o.getMetadata().getName();
    }

    /** A handler that enqueues the keys {@code keys} maps an object to (old and new objects on update). */
    public <T> ResourceEventHandler<T> handler(Function<T, Collection<String>> keys) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                keys.apply(obj).forEach(queue::add);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                keys.apply(oldObj).forEach(queue::add);
                keys.apply(newObj).forEach(queue::add);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                keys.apply(obj).forEach(queue::add);
            }
        };
    }

    /** A handler that enqueues the object's own key. */
    public <T extends HasMetadata> ResourceEventHandler<T> ownKeyHandler() {
        return handler(o -> List.of(key(o)));
    }

    public synchronized void start() {
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, name + "-worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        LOG.infof("started controller %s with %d workers", name, workers);
    }

    public synchronized void stop() {
        queue.shutDown();
        threads.forEach(Thread::interrupt);
    }

    private void work() {
        while (true) {
            String key;
            try {
                key = queue.get();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                processOne(key);
            } finally {
                queue.done(key);
            }
        }
    }

    void processOne(String key) {
        try {
            Result r = reconciler.reconcile(key);
            switch (r.kind()) {
                case DONE:
                    queue.forget(key);
                    break;
                case REQUEUE:
                    retries.incrementAndGet();
                    queue.addRateLimited(key);
                    break;
                case REQUEUE_AFTER:
                    queue.forget(key);
                    queue.addAfter(key, r.after());
                    break;
                default:
                    throw new IllegalStateException(r.kind().toString());
            }
        } catch (KubernetesClientException e) {
            int n = queue.failures(key);
            String msg = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            if (e.getCode() == 409) {
                LOG.debugf("%s: conflict syncing %s, retrying: %s", name, key, msg);
            } else if (n < 5) {
                LOG.infof("%s: error syncing %s, retrying: %s", name, key, msg);
            } else {
                LOG.warnf("%s: error syncing %s (%d failures), retrying: %s", name, key, n + 1, msg);
            }
            retries.incrementAndGet();
            queue.addRateLimited(key);
        } catch (Exception e) {
            LOG.errorf(e, "%s: error syncing %s, retrying", name, key);
            retries.incrementAndGet();
            queue.addRateLimited(key);
        }
    }
}
