package io.kybernetes.store.mvcc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Automatic compaction as etcd's --auto-compaction-mode/--auto-compaction-retention: "revision" keeps the last N
 * revisions (checked every 5 minutes); "periodic" keeps the history of the last retention period (a plain number
 * means hours), sampling the revision every tenth of the period.
 */
public final class Compactor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Compactor.class);
    static final long REVISION_CHECK_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private record Sample(long atMillis, long rev) {
    }

    private final MvccStore store;
    private final long keepRevisions;
    private final long periodMillis;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService timer;

    /** Exactly one of {@code keepRevisions} (revision mode) and {@code periodMillis} (periodic mode) is positive. */
    Compactor(MvccStore store, long keepRevisions, long periodMillis, long checkMillis) {
        this.store = store;
        this.keepRevisions = keepRevisions;
        this.periodMillis = periodMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "auto-compaction");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts auto compaction, or returns null when the retention is "0" (disabled, etcd's default). */
    public static Compactor start(MvccStore store, String mode, String retention) {
        String r = retention.trim();
        if (r.isEmpty() || r.equals("0")) {
            return null;
        }
        if (mode.equals("revision")) {
            long keep = Long.parseLong(r);
            LOG.infof("auto compaction: keeping the last %d revisions", keep);
            return new Compactor(store, keep, 0, REVISION_CHECK_MILLIS);
        }
        if (!mode.equals("periodic")) {
            throw new IllegalArgumentException("unknown --auto-compaction-mode \"" + mode + "\": want periodic or revision");
        }
        Duration period = parseDuration(r);
        LOG.infof("auto compaction: keeping %s of history", period);
        return new Compactor(store, 0, period.toMillis(), Math.max(1000, period.toMillis() / 10));
    }

    void tick() {
        if (keepRevisions > 0) {
            compactTo(store.rev() - keepRevisions);
        } else {
            periodic(System.currentTimeMillis());
        }
    }

    /** "1h", "30m", "90s" or a plain number of hours. */
    static Duration parseDuration(String s) {
        if (s.matches("\\d+")) {
            return Duration.ofHours(Long.parseLong(s));
        }
        return io.kybernetes.store.config.GoDuration.parse(s);
    }

    void periodic(long now) {
        samples.addLast(new Sample(now, store.rev()));
        Sample target = null;
        while (!samples.isEmpty() && now - samples.peekFirst().atMillis() >= periodMillis) {
            target = samples.pollFirst();
        }
        if (target != null) {
            compactTo(target.rev());
        }
    }

    private void compactTo(long rev) {
        if (rev <= store.compactedRev() || rev <= 0) {
            return;
        }
        try {
            store.compact(rev).join();
        } catch (RuntimeException e) {
            LOG.warnf("auto compaction at revision %d failed: %s", rev, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
