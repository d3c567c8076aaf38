package io.kybernetes.scheduler.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Pods waiting to be scheduled, in three places as upstream: the active queue (by priority, then arrival), the
 * back-off queue (failed recently; waits 1 s doubling per attempt up to 10 s) and the unschedulable pods, which
 * stay parked until a cluster event (node added or changed, pod deleted, claim or volume changed) may have made
 * room for them, or for at most 5 minutes (upstream's periodic flush).
 */
public final class SchedulingQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LongSupplier clock;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    /** Unschedulable pods parked longer than this go back to the queues anyway (upstream: 5 minutes). */
    private long maxUnschedulableNanos = Duration.ofMinutes(5).toNanos();

    private final PriorityQueue<QueuedPod> active = new PriorityQueue<>(
            Comparator.comparingInt(QueuedPod::priority).reversed().thenComparingLong(q -> q.seq));
    private final PriorityQueue<QueuedPod> backoff = new PriorityQueue<>(
            Comparator.comparingLong((QueuedPod q) -> q.readyAtNanos).thenComparingLong(q -> q.seq));
    private final Map<String, QueuedPod> unschedulable = new HashMap<>();
    /** Every queued pod by key, wherever it is; a popped pod is in flight and in none. */
    private final Map<String, QueuedPod> all = new HashMap<>();
    /** Attempts of pods in flight, so a failure can compute its back-off. */
    private final Map<String, Integer> inFlightAttempts = new HashMap<>();
    private long seq;
    private long cycle;
    private long moveRequestCycle = -1;
    private boolean closed;

    public SchedulingQueue() {
        this(System::nanoTime, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    public SchedulingQueue(LongSupplier nanoClock, Duration initialBackoff, Duration maxBackoff) {
        this.clock = nanoClock;
        this.initialBackoffNanos = initialBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
    }

    public static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** A new pending pod goes to the active queue; a known one is updated in place. */
    public void add(Pod pod) {
        lock.lock();
        try {
            QueuedPod q = all.get(key(pod));
            if (q != null) {
                q.pod = pod;
                return;
            }
            if (inFlightAttempts.containsKey(key(pod))) {
                return;
            }
            q = new QueuedPod(pod, seq++);
            all.put(q.key(), q);
            active.add(q);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The pod changed: keep the newest copy; an unschedulable pod is given another chance. */
    public void update(Pod pod) {
        lock.lock();
        try {
            QueuedPod q = all.get(key(pod));
            if (q == null) {
                add(pod);
                return;
            }
            q.pod = pod;
            if (unschedulable.remove(q.key()) != null) {
                requeue(q);
            }
        } finally {
            lock.unlock();
        }
    }

    public void delete(Pod pod) {
        lock.lock();
        try {
            QueuedPod q = all.remove(key(pod));
            inFlightAttempts.remove(key(pod));
            if (q != null) {
                active.remove(q);
                backoff.remove(q);
                unschedulable.remove(q.key());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until a pod is ready to be scheduled; null when closed or after {@code timeout}. */
    public QueuedPod pop(Duration timeout) throws InterruptedException {
        long deadline = clock.getAsLong() + timeout.toNanos();
        lock.lock();
        try {
            while (!closed) {
                flushBackoff();
                flushUnschedulableLeftover();
                QueuedPod q = active.poll();
                if (q != null) {
                    all.remove(q.key());
                    inFlightAttempts.put(q.key(), q.attempts);
                    cycle++;
                    return q;
                }
                long now = clock.getAsLong();
                long wait = deadline - now;
                if (!backoff.isEmpty()) {
                    wait = Math.min(wait, backoff.peek().readyAtNanos - now);
                }
                if (!unschedulable.isEmpty()) {
                    wait = Math.min(wait, TimeUnit.SECONDS.toNanos(1));
                }
                if (deadline - now <= 0) {
                    return null;
                }
                changed.awaitNanos(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1)));
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The pod was scheduled (or dropped): forget its attempts. */
    public void done(Pod pod) {
        lock.lock();
        try {
            inFlightAttempts.remove(key(pod));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The pod fit no node. It waits for a cluster event; if one happened while it was being scheduled, it goes
     * straight to back-off instead (the event may already have made room).
     */
    public void addUnschedulable(Pod pod) {
        failed(pod, true, Set.of());
    }

    /** As {@link #addUnschedulable(Pod)}, remembering which plugins rejected it for {@link #moveOnEvent}. */
    public void addUnschedulable(Pod pod, Set<String> plugins) {
        failed(pod, true, plugins);
    }

    /** Scheduling or binding hit an error: retry after back-off. */
    public void addBackoff(Pod pod) {
        failed(pod, false, Set.of());
    }

    private void failed(Pod pod, boolean unschedulableReason, Set<String> plugins) {
        lock.lock();
        try {
            Integer attempts = inFlightAttempts.remove(key(pod));
            if (attempts == null || all.containsKey(key(pod))) {
                return; // deleted meanwhile, or re-added by an informer event
            }
            QueuedPod q = new QueuedPod(pod, seq++);
            q.attempts = attempts + 1;
            q.plugins = Set.copyOf(plugins);
            q.readyAtNanos = clock.getAsLong() + backoffNanos(q.attempts);
            all.put(q.key(), q);
            if (unschedulableReason && moveRequestCycle < cycle) {
                q.parkedAtNanos = clock.getAsLong();
                unschedulable.put(q.key(), q);
            } else {
                backoff.add(q);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A cluster event may have made room: unschedulable pods move to back-off (or active, if done backing off). */
    public void moveAllToActiveOrBackoff() {
        lock.lock();
        try {
            List<QueuedPod> moving = new ArrayList<>(unschedulable.values());
            unschedulable.clear();
            moving.forEach(this::requeue);
            moveRequestCycle = cycle;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A cluster event that can only help pods rejected by one of {@code plugins} (as upstream's queueing hints):
     * only those (and pods with unknown plugins) leave the unschedulable pods.
     */
    public void moveOnEvent(Set<String> plugins) {
        lock.lock();
        try {
            List<QueuedPod> moving = new ArrayList<>();
            for (QueuedPod q : unschedulable.values()) {
                if (q.plugins.isEmpty() || q.plugins.stream().anyMatch(plugins::contains)) {
                    moving.add(q);
                }
            }
            for (QueuedPod q : moving) {
                unschedulable.remove(q.key());
                requeue(q);
            }
            moveRequestCycle = cycle;
        } finally {
            lock.unlock();
        }
    }

    private void requeue(QueuedPod q) {
        if (q.readyAtNanos - clock.getAsLong() > 0) {
            backoff.add(q);
        } else {
            active.add(q);
        }
        changed.signalAll();
    }

    long backoffNanos(int attempts) {
        long d = initialBackoffNanos;
        for (int i = 1; i < attempts && d < maxBackoffNanos; i++) {
            d *= 2;
        }
        return Math.min(d, maxBackoffNanos);
    }

    /** Sets how long an unschedulable pod waits for an event before it is retried anyway. */
    public void setMaxUnschedulableDuration(Duration d) {
        lock.lock();
        try {
            maxUnschedulableNanos = d.toNanos();
        } finally {
            lock.unlock();
        }
    }

    /** The periodic flush: pods parked as unschedulable for too long are retried even without an event. */
    private void flushUnschedulableLeftover() {
        if (unschedulable.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        List<QueuedPod> moving = new ArrayList<>();
        for (QueuedPod q : unschedulable.values()) {
            if (now - q.parkedAtNanos >= maxUnschedulableNanos) {
                moving.add(q);
            }
        }
        for (QueuedPod q : moving) {
            unschedulable.remove(q.key());
            requeue(q);
        }
    }

    private void flushBackoff() {
        long now = clock.getAsLong();
        while (!backoff.isEmpty() && backoff.peek().readyAtNanos - now <= 0) {
            active.add(backoff.poll());
        }
    }

    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Counts per place, for metrics and tests: active, backoff, unschedulable. */
    public int[] sizes() {
        lock.lock();
        try {
            return new int[] {active.size(), backoff.size(), unschedulable.size()};
        } finally {
            lock.unlock();
        }
    }
}
