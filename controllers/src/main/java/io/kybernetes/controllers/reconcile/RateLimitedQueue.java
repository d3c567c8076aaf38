package io.kybernetes.controllers.reconcile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A work queue of keys with client-go's guarantees: a key is queued at most once however often it is added, and
 * is never processed by two workers at once (a key added while being processed is queued again on
 * {@link #done}). Failed keys come back after a per-key exponential back-off (base doubling to a maximum).
 * Hand-written: neither fabric8 nor Quarkus ships a work queue with these semantics.
 */
public final class RateLimitedQueue {

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final long baseNanos;
    private final long maxNanos;
    private boolean shuttingDown;

    public RateLimitedQueue(String name) {
        this(name, Duration.ofMillis(5), Duration.ofMinutes(5));
    }

    public RateLimitedQueue(String name, Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-queue-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void add(String key) {
        if (shuttingDown || !dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            queue.add(key);
            notifyAll();
        }
    }

    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
            timer.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Adds the key after its back-off, which doubles with every failure until {@link #forget}. */
    public void addRateLimited(String key) {
        int n;
        synchronized (this) {
            n = failures.merge(key, 1, Integer::sum);
        }
        addAfter(key, Duration.ofNanos(backoff(n)));
    }

    long backoff(int failuresSoFar) {
        long d = baseNanos;
        for (int i = 1; i < failuresSoFar && d < maxNanos; i++) {
            d *= 2;
        }
        return Math.min(d, maxNanos);
    }

    public synchronized void forget(String key) {
        failures.remove(key);
    }

    public synchronized int failures(String key) {
        return failures.getOrDefault(key, 0);
    }

    /** Blocks for the next key; null once shut down. The caller must call {@link #done} after processing. */
    public synchronized String get() throws InterruptedException {
        while (queue.isEmpty() && !shuttingDown) {
            wait();
        }
        if (queue.isEmpty()) {
            return null;
        }
        String key = queue.poll();
        processing.add(key);
        dirty.remove(key);
        return key;
    }

    public synchronized void done(String key) {
        processing.remove(key);
        if (dirty.contains(key)) {
            queue.add(key);
            notifyAll();
        }
    }

    public synchronized int length() {
        return queue.size();
    }

    public synchronized void shutDown() {
        shuttingDown = true;
        timer.shutdownNow();
        notifyAll();
    }
}
