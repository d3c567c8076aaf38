package io.kybernetes.store.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.backend.Revision;

/**
 * The history of one key: its revisions in ascending order (a tombstone ends a generation), the metadata of the
 * live generation, and the latest value while it is held on the heap, so reads at the current revision need no
 * backend access. Revisions are kept in primitive arrays and metadata in fields (not a KeyValue per key): the index
 * holds every key, so its per-key size bounds how many keys fit a small heap. Not thread-safe: {@link TreeIndex}
 * guards it.
 */
final class KeyIndex {

    /** One change of the key. */
    record Rev(long main, long sub, boolean tombstone) {
        Revision revision() {
            return new Revision(main, sub);
        }
    }

    private static final long[] NO_MAINS = {};
    private static final int[] NO_SUBS = {};

    private final ByteString key;
    private long[] mains = NO_MAINS;
    /** sub revision << 1 | 1 for a tombstone. */
    private int[] subs = NO_SUBS;
    private int size;
    private boolean live;
    private long createRev;
    private long version;
    private long lease;
    /** The latest value with its bytes, or null once dropped from the heap (TreeIndex's value budget). */
    private KeyValue cached;

    KeyIndex(ByteString key) {
        this.key = key;
    }

    ByteString key() {
        return key;
    }

    /** The newest live value (its value field empty unless {@link #valueCached()}), or null when deleted. */
    KeyValue latest() {
        if (!live) {
            return null;
        }
        if (cached != null) {
            return cached;
        }
        return KeyValue.newBuilder().setKey(key).setCreateRevision(createRev).setModRevision(mains[size - 1])
                .setVersion(version).setLease(lease).build();
    }

    boolean exists() {
        return live;
    }

    boolean valueCached() {
        return cached != null;
    }

    /** The newest live value when it is held with its value, else null. */
    KeyValue cachedLatest() {
        return cached;
    }

    /** Where the newest change is stored. */
    Revision newest() {
        return new Revision(mains[size - 1], subs[size - 1] >>> 1);
    }

    /** Bytes of value held on the heap for this key. */
    int cachedBytes() {
        return cached == null ? 0 : cached.getValue().size();
    }

    /** Keeps only the latest value's metadata (revisions, version, lease) on the heap. */
    void dropValue() {
        cached = null;
    }

    void put(Revision r, KeyValue kv) {
        append(r, false);
        live = true;
        createRev = kv.getCreateRevision();
        version = kv.getVersion();
        lease = kv.getLease();
        cached = kv;
    }

    void tombstone(Revision r) {
        append(r, true);
        live = false;
        cached = null;
    }

    private void append(Revision r, boolean tombstone) {
        if (size == mains.length) {
            int n = Math.max(2, size * 2);
            mains = Arrays.copyOf(mains, n);
            subs = Arrays.copyOf(subs, n);
        }
        mains[size] = r.main();
        subs[size] = (int) (r.sub() << 1) | (tombstone ? 1 : 0);
        size++;
    }

    private Rev rev(int i) {
        return new Rev(mains[i], subs[i] >>> 1, (subs[i] & 1) != 0);
    }

    /** The newest change at or before main revision {@code atRev}, or null. */
    Rev at(long atRev) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (mains[mid] <= atRev) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : rev(found);
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
        int keepFrom = -1;
        for (int i = 0; i < size && mains[i] <= compactRev; i++) {
            keepFrom = i;
        }
        if (keepFrom < 0) {
            return dropped;
        }
        int cut = (subs[keepFrom] & 1) != 0 ? keepFrom + 1 : keepFrom;
        for (int i = 0; i < cut; i++) {
            dropped.add(new Revision(mains[i], subs[i] >>> 1));
        }
        if (cut > 0) {
            int left = size - cut;
            long[] m = left == 0 ? NO_MAINS : Arrays.copyOfRange(mains, cut, size);
            int[] s = left == 0 ? NO_SUBS : Arrays.copyOfRange(subs, cut, size);
            mains = m;
            subs = s;
            size = left;
        }
        return dropped;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }
}
