package io.kybernetes.store.watch;

import io.etcd.jetcd.api.Event;
import io.kybernetes.store.mvcc.KeyRange;

/** One watch: a key range, the next revision it must see, and its options. */
public final class Watcher {

    private final long id;
    private final KeyRange range;
    private final boolean prevKv;
    private final boolean noPut;
    private final boolean noDelete;
    private final boolean progressNotify;
    final WatchSink sink;
    /** The lowest revision not yet delivered (guarded by the store's publish lock while synced). */
    volatile long nextRev;
    volatile boolean canceled;

    Watcher(long id, KeyRange range, long nextRev, WatchOptions o, WatchSink sink) {
        this.id = id;
        this.prevKv = o.prevKv();
        this.noPut = o.noPut();
        this.noDelete = o.noDelete();
        this.progressNotify = o.progressNotify();
        this.range = range;
        this.nextRev = nextRev;
        this.sink = sink;
    }

    public long id() {
        return id;
    }

    public boolean isCanceled() {
        return canceled;
    }

    public boolean progressNotify() {
        return progressNotify;
    }

    public boolean prevKv() {
        return prevKv;
    }

    /** Whether this watcher wants {@code e} (range and filters; not the revision). */
    boolean matches(Event e) {
        if (e.getType() == Event.EventType.PUT ? noPut : noDelete) {
            return false;
        }
        return range.contains(e.getKv().getKey());
    }

    /** The event as this watcher sends it (prev_kv only when asked for). */
    Event shape(Event e) {
        if (!prevKv && e.hasPrevKv()) {
            return e.toBuilder().clearPrevKv().build();
        }
        return e;
    }
}
