package io.kybernetes.store.mvcc;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.backend.Batch;
import io.kybernetes.store.backend.Revision;
import io.kybernetes.store.backend.RevisionRecord;

/**
 * One write transaction, run on the store's writer thread. All its changes share main revision {@link #rev()}
 * (numbered by sub revision); reads inside it see its own earlier changes. Validate before the first change: a
 * failure after a change cannot be rolled back.
 */
public final class WriteTxn {

    private final MvccStore store;
    private final long rev;
    private final Batch batch;
    private final List<Event> events = new ArrayList<>();
    private long sub;

    WriteTxn(MvccStore store, long rev, Batch batch) {
        this.store = store;
        this.rev = rev;
        this.batch = batch;
    }

    /** The revision this transaction gets if it changes anything. */
    public long rev() {
        return rev;
    }

    /** The revision reads in this transaction see: its own once it has changed something. */
    public long readRev() {
        return sub > 0 ? rev : rev - 1;
    }

    public boolean changed() {
        return sub > 0;
    }

    /** Range inside the transaction; {@code atRev <= 0} reads the transaction's own view. */
    public RangeResult range(KeyRange range, long atRev, long limit) {
        long r = atRev <= 0 ? readRev() : atRev;
        if (r > readRev()) {
            throw EtcdException.futureRev();
        }
        if (r < store.compactedRev()) {
            throw EtcdException.compacted();
        }
        return store.scan(range, r, limit, readRev());
    }

    /** The current value of {@code key} (including this transaction's changes), or null. */
    public KeyValue latest(ByteString key) {
        return store.index().latest(key);
    }

    public List<KeyValue> latest(KeyRange range) {
        return store.index().latest(range);
    }

    /** As {@link #latest(KeyRange)}; without {@code values} only metadata is sure to be there (no backend reads). */
    public List<KeyValue> latest(KeyRange range, boolean values) {
        return store.index().live(range, values).stream().map(TreeIndex.Live::kv).toList();
    }

    /** Writes {@code key}; returns the previous value or null. */
    public KeyValue put(ByteString key, ByteString value, long lease) {
        KeyValue prev = store.index().latest(key);
        Revision r = new Revision(rev, sub++);
        KeyValue kv = KeyValue.newBuilder()
                .setKey(key)
                .setValue(value)
                .setLease(lease)
                .setCreateRevision(prev == null ? rev : prev.getCreateRevision())
                .setModRevision(rev)
                .setVersion(prev == null ? 1 : prev.getVersion() + 1)
                .build();
        store.index().put(kv, r);
        batch.put(new RevisionRecord(r, kv, false));
        Event.Builder ev = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
        if (prev != null) {
            ev.setPrevKv(prev);
            if (prev.getLease() != 0 && prev.getLease() != lease) {
                store.leases().detach(prev.getLease(), key);
            }
        }
        if (lease != 0) {
            store.leases().attach(lease, key);
        }
        events.add(ev.build());
        return prev;
    }

    /** Deletes the keys in {@code range} that exist; returns their values before deletion. */
    public List<KeyValue> delete(KeyRange range) {
        return delete(range, true);
    }

    /**
     * Deletes the keys in {@code range} that exist and returns what they were: with their values when
     * {@code values}, else only their metadata (value empty unless still on the heap). Without values a range
     * delete costs heap per key, not per byte of data: a delete event whose previous value is not on the heap
     * carries no prev_kv, and watchers that ask for it read it at the revision before (as etcd does).
     */
    public List<KeyValue> delete(KeyRange range, boolean values) {
        List<TreeIndex.Live> deleted = store.index().live(range, values);
        List<KeyValue> out = new ArrayList<>(deleted.size());
        for (TreeIndex.Live live : deleted) {
            KeyValue prev = live.kv();
            Revision r = new Revision(rev, sub++);
            KeyValue tomb = KeyValue.newBuilder().setKey(prev.getKey()).setModRevision(rev).build();
            store.index().tombstone(prev.getKey(), r);
            batch.put(new RevisionRecord(r, tomb, true));
            if (prev.getLease() != 0) {
                store.leases().detach(prev.getLease(), prev.getKey());
            }
            Event.Builder ev = Event.newBuilder().setType(Event.EventType.DELETE).setKv(tomb);
            if (live.complete()) {
                ev.setPrevKv(prev);
            }
            events.add(ev.build());
            out.add(prev);
        }
        return out;
    }

    /** For changes outside the key space (leases) that must be durable with this transaction. */
    public Batch batch() {
        return batch;
    }

    List<Event> events() {
        return events;
    }
}
