package io.kybernetes.store.watch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.mvcc.CommitListener;
import io.kybernetes.store.mvcc.KeyRange;
import io.kybernetes.store.mvcc.MvccStore;

/**
 * Watch on top of the MVCC store. A watcher is either synced (it has seen everything up to the current revision
 * and gets new events straight from each commit) or unsynced (it starts in the past, or its client fell behind):
 * a catch-up thread feeds unsynced watchers from the backend's history in batches and moves them to synced once
 * they reach the current revision. Writers never wait for a watcher: a watcher whose stream has too large a
 * backlog is demoted to unsynced and caught up later from history.
 */
public final class WatchableStore implements CommitListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WatchableStore.class);

    /** Backlog (events) of a stream above which its watchers stop being fed live. Tunable for tests. */
    static int maxBacklog = 10_000;
    /** Revisions read from history per catch-up step of one watcher. */
    static int catchUpRevs = 1000;
    /** Default interval of progress notifications to watchers that asked for them (etcd's: 10 minutes). */
    public static final java.time.Duration DEFAULT_PROGRESS_INTERVAL = java.time.Duration.ofMinutes(10);

    private final MvccStore store;
    private final Object lock;
    private final Set<Watcher> synced = new LinkedHashSet<>();
    private final Set<Watcher> unsynced = new LinkedHashSet<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread syncer;
    private final ScheduledExecutorService progress;
    private volatile boolean running = true;

    public WatchableStore(MvccStore store) {
        this(store, DEFAULT_PROGRESS_INTERVAL);
    }

    /** {@code progressInterval}: etcd's --experimental-watch-progress-notify-interval. */
    public WatchableStore(MvccStore store, java.time.Duration progressInterval) {
        this.store = store;
        this.lock = store.publishLock();
        store.setListener(this);
        syncer = new Thread(this::syncLoop, "watch-sync");
        syncer.setDaemon(true);
        syncer.start();
        progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watch-progress");
            t.setDaemon(true);
            return t;
        });
        long every = progressInterval.toMillis() > 0 ? progressInterval.toMillis() : DEFAULT_PROGRESS_INTERVAL.toMillis();
        progress.scheduleWithFixedDelay(this::notifyProgress, every, every, TimeUnit.MILLISECONDS);
    }

    /** Tells each synced watcher that asked for it the revision it has seen everything up to. */
    void notifyProgress() {
        synchronized (lock) {
            long rev = store.rev();
            for (Watcher w : synced) {
                if (w.progressNotify() && w.sink.backlog() == 0) {
                    w.sink.progress(w, rev);
                }
            }
        }
    }

    public MvccStore store() {
        return store;
    }

    /**
     * Starts a watch. {@code startRev == 0} means from the next revision; a past revision replays history from
     * there. Returns the watcher and the current revision (for the "created" response), atomically.
     */
    public Watcher watch(long id, KeyRange range, long startRev, WatchOptions options, WatchSink sink) {
        synchronized (lock) {
            long cur = store.rev();
            long next = startRev <= 0 ? cur + 1 : startRev;
            Watcher w = new Watcher(id, range, next, options, sink);
            if (next > cur) {
                synced.add(w);
            } else {
                unsynced.add(w);
                wake.release();
            }
            return w;
        }
    }

    /** Number of watchers, synced and not. */
    public int watcherCount() {
        synchronized (lock) {
            return synced.size() + unsynced.size();
        }
    }

    /** Number of watchers still catching up from history. */
    public int unsyncedCount() {
        synchronized (lock) {
            return unsynced.size();
        }
    }

    public void cancel(Watcher w) {
        synchronized (lock) {
            w.canceled = true;
            synced.remove(w);
            unsynced.remove(w);
        }
    }

    /** The current revision if all {@code ws} are synced (a progress notification is then truthful), else -1. */
    public long progressRev(Collection<Watcher> ws) {
        synchronized (lock) {
            for (Watcher w : ws) {
                if (!synced.contains(w)) {
                    return -1;
                }
            }
            return store.rev();
        }
    }

    /** Called by the store under its publish lock after each durable commit. */
    @Override
    public void committed(long rev, List<Event> events) {
        List<Watcher> demoted = null;
        for (Watcher w : synced) {
            List<Event> mine = null;
            for (Event e : events) {
                if (e.getKv().getModRevision() >= w.nextRev && w.matches(e)) {
                    if (mine == null) {
                        mine = new ArrayList<>();
                    }
                    mine.add(shape(w, e));
                }
            }
            if (mine == null) {
                w.nextRev = Math.max(w.nextRev, rev + 1);
                continue;
            }
            if (w.sink.backlog() > maxBacklog) {
                // nextRev stays at the first undelivered revision: catch-up resumes from history there.
                if (demoted == null) {
                    demoted = new ArrayList<>();
                }
                demoted.add(w);
                continue;
            }
            w.sink.events(w, rev, mine);
            w.nextRev = rev + 1;
        }
        if (demoted != null) {
            for (Watcher w : demoted) {
                synced.remove(w);
                unsynced.add(w);
                LOG.debugf("watcher %d fell behind at revision %d; catching up from history", w.id(), w.nextRev);
            }
            wake.release();
        }
    }

    /**
     * The event as {@code w} gets it. A delete whose previous value was left in the backend comes without prev_kv;
     * a watcher that asked for it reads it at the revision before, as etcd's watch stream does.
     */
    private Event shape(Watcher w, Event e) {
        if (w.prevKv() && e.getType() == Event.EventType.DELETE && !e.hasPrevKv()) {
            KeyValue prev = store.valueBefore(e.getKv().getKey(), e.getKv().getModRevision());
            return prev == null ? e : e.toBuilder().setPrevKv(prev).build();
        }
        return w.shape(e);
    }

    private void syncLoop() {
        while (running) {
            try {
                wake.tryAcquire(100, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                List<Watcher> todo;
                synchronized (lock) {
                    todo = new ArrayList<>(unsynced);
                }
                for (Watcher w : todo) {
                    catchUp(w);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("watch catch-up failed", e);
            }
        }
    }

    /** One catch-up step of an unsynced watcher. */
    private void catchUp(Watcher w) {
        if (w.canceled || w.sink.backlog() > maxBacklog / 2) {
            return;
        }
        long compacted = store.compactedRev();
        if (w.nextRev < compacted) {
            cancel(w);
            w.sink.compacted(w, compacted);
            return;
        }
        long cur = store.rev();
        long from = w.nextRev;
        long to = Math.min(cur, from + catchUpRevs - 1);
        List<Event> events = new ArrayList<>();
        store.history(from, to, rec -> {
            KeyValue kv = rec.kv();
            Event.Builder e = Event.newBuilder()
                    .setType(rec.tombstone() ? Event.EventType.DELETE : Event.EventType.PUT)
                    .setKv(kv);
            Event ev = e.build();
            if (w.matches(ev)) {
                if (w.prevKv()) {
                    KeyValue prev = store.valueBefore(kv.getKey(), rec.revision().main());
                    if (prev != null) {
                        ev = e.setPrevKv(prev).build();
                    }
                }
                events.add(ev);
            }
            return true;
        });
        if (!events.isEmpty() && !w.canceled) {
            w.sink.events(w, to, events);
        }
        synchronized (lock) {
            w.nextRev = Math.max(w.nextRev, to + 1);
            if (!w.canceled && w.nextRev > store.rev()) {
                unsynced.remove(w);
                synced.add(w);
            } else if (!w.canceled) {
                wake.release();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        syncer.interrupt();
        progress.shutdownNow();
    }
}
