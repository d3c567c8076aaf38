package io.kybernetes.store.mvcc;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.backend.Revision;

/**
 * The history of one key: its revisions in ascending order (a tombstone ends a generation) and the latest value
 * while the key exists, so reads at the current revision need no backend access. Not thread-safe: {@link TreeIndex}
 * guards it.
 */
final class KeyIndex {

    /** One change of the key. */
    record Rev(long main, long sub, boolean tombstone) {
        Revision revision() {
            return new Revision(main, sub);
        }
    }

    private final ByteString key;
    private final List<Rev> revs = new ArrayList<>();
    private KeyValue latest;
    /** False once the latest value was dropped from the heap (TreeIndex's value budget): read it from the backend. */
    private boolean valueCached;

    KeyIndex(ByteString key) {
        this.key = key;
    }

    ByteString key() {
        return key;
    }

    /** The newest live value (its value field empty unless {@link #valueCached()}), or null when deleted. */
    KeyValue latest() {
        return latest;
    }

    boolean valueCached() {
        return valueCached;
    }

    /** The newest live value when it is held with its value, else null. */
    KeyValue cachedLatest() {
        return valueCached ? latest : null;
    }

    /** Where the newest change is stored. */
    Revision newest() {
        return revs.get(revs.size() - 1).revision();
    }

    /** Bytes of value held on the heap for this key. */
    int cachedBytes() {
        return valueCached && latest != null ? latest.getValue().size() : 0;
    }

    /** Keeps only the latest value's metadata (revisions, version, lease) on the heap. */
    void dropValue() {
        if (valueCached && latest != null) {
            latest = latest.toBuilder().clearValue().build();
            valueCached = false;
        }
    }

    void put(Revision r, KeyValue kv) {
        revs.add(new Rev(r.main(), r.sub(), false));
        latest = kv;
        valueCached = true;
    }

    void tombstone(Revision r) {
        revs.add(new Rev(r.main(), r.sub(), true));
        latest = null;
        valueCached = false;
    }

    /** The newest change at or before main revision {@code atRev}, or null. */
    Rev at(long atRev) {
        int lo = 0;
        int hi = revs.size() - 1;
        Rev found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Rev r = revs.get(mid);
            if (r.main() <= atRev) {
                found = r;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The newest change before main revision {@code rev} (used for a watch event's prev_kv), or null. */
    Rev before(long rev) {
        return at(rev - 1);
    }

    /**
     * Drops history at or before {@code compactRev} except the newest live revision there; returns the dropped
     * revisions.
     */
    List<Revision> compact(long compactRev) {
        List<Revision> dropped = new ArrayList<>();
        int keepFrom = 0;
        for (int i = 0; i < revs.size() && revs.get(i).main() <= compactRev; i++) {
            keepFrom = i;
        }
        Rev last = revs.isEmpty() ? null : revs.get(keepFrom);
        if (last == null || last.main() > compactRev) {
            return dropped;
        }
        int cut = last.tombstone() ? keepFrom + 1 : keepFrom;
        for (int i = 0; i < cut; i++) {
            dropped.add(revs.get(i).revision());
        }
        revs.subList(0, cut).clear();
        return dropped;
    }

    boolean isEmpty() {
        return revs.isEmpty();
    }

    int size() {
        return revs.size();
    }
}
