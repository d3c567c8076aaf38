package io.kybernetes.proxy.sync;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

/**
 * Runs a sync function on its own thread: when {@link #request() requested}, but never more often than every
 * {@code minInterval} (a burst of requests coalesces into one run), and at least every {@code maxInterval}
 * (the periodic full resync). A run that reports failure is retried after {@code minInterval}.
 * Hand-written: a scheduled executor cannot coalesce and postpone like this without the same bookkeeping.
 */
public final class SyncRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class);

    private final long minNanos;
    private final long maxNanos;
    private final BooleanSupplier sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean pending;
    private boolean running = true;
    private long lastRun;

    public SyncRunner(String name, Duration minInterval, Duration maxInterval, BooleanSupplier sync) {
        if (minInterval.isNegative() || maxInterval.compareTo(minInterval) < 0 || maxInterval.isZero()) {
            throw new IllegalArgumentException("need 0 <= min interval <= max interval, max > 0");
        }
        this.minNanos = minInterval.toNanos();
        this.maxNanos = maxInterval.toNanos();
        this.sync = sync;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        lastRun = System.nanoTime() - minNanos; // a first request runs at once
        thread.start();
    }

    /** Asks for a run as soon as the minimum interval allows. Never blocks. */
    public void request() {
        lock.lock();
        try {
            pending = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread after a run in progress finishes. */
    @Override
    public void close() {
        lock.lock();
        try {
            running = false;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(35));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (awaitTurn()) {
            boolean ok;
            try {
                ok = sync.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.error("sync failed unexpectedly", e);
                ok = false;
            }
            if (!ok) {
                request();
            }
        }
    }

    /** Blocks until the next run is due; false once closed. */
    private boolean awaitTurn() {
        lock.lock();
        try {
            while (running) {
                long now = System.nanoTime();
                long sinceLast = now - lastRun;
                long wait = pending ? minNanos - sinceLast : maxNanos - sinceLast;
                if (wait <= 0) {
                    pending = false;
                    lastRun = now;
                    return true;
                }
                wake.awaitNanos(wait);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
