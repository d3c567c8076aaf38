package io.kybernetes.kubelet.pod;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * Runs the sync of each pod uid on a small pool, never two at once for one uid: a uid enqueued while its sync runs
 * is synced once more afterwards (events coalesce). Delayed requeues go through a scheduler.
 */
public final class PodWorkers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PodWorkers.class);

    private enum State { QUEUED, RUNNING, RUNNING_DIRTY }

    private final Consumer<String> sync;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;

    public PodWorkers(int threads, Consumer<String> sync) {
        this.sync = sync;
        this.pool = Executors.newFixedThreadPool(threads, r -> daemon(r, "pod-worker"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pod-requeue"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void enqueue(String uid) {
        boolean[] submit = {false};
        states.compute(uid, (k, s) -> {
            if (s == null) {
                submit[0] = true;
                return State.QUEUED;
            }
            return s == State.RUNNING ? State.RUNNING_DIRTY : s;
        });
        if (submit[0]) {
            pool.execute(() -> run(uid));
        }
    }

    public void enqueueAfter(String uid, Duration delay) {
        if (!timer.isShutdown()) {
            timer.schedule(() -> enqueue(uid), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private void run(String uid) {
        states.put(uid, State.RUNNING);
        try {
            sync.accept(uid);
        } catch (RuntimeException e) {
            LOG.warnf(e, "sync of pod %s failed; retrying", uid);
            enqueueAfter(uid, Duration.ofSeconds(2));
        }
        boolean[] again = {false};
        states.compute(uid, (k, s) -> {
            if (s == State.RUNNING_DIRTY) {
                again[0] = true;
                return State.QUEUED;
            }
            return null;
        });
        if (again[0]) {
            pool.execute(() -> run(uid));
        }
    }

    /** True when no sync runs or waits (for tests). */
    public boolean idle() {
        return states.isEmpty();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
