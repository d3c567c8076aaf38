package io.kybernetes.store.mvcc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.backend.Revision;

/**
 * In-memory index from key to its revisions, ordered by key (unsigned bytes). Rebuilt from the backend at start.
 * One writer (the store's writer thread) and many readers share it under a read-write lock.
 */
public final class TreeIndex {

    /** A key live at the revision read: where its value is, and the value itself when it is the latest one. */
    public record Hit(ByteString key, Revision revision, KeyValue cached) {
    }

    /** A live key's newest value; {@code complete} is false when its value was left in the backend. */
    public record Live(KeyValue kv, boolean complete) {
    }

    /** Result of a scan: up to {@code limit} hits plus the number of live keys in the whole range. */
    public record Scan(List<Hit> hits, long count) {
    }

    /**
     * Bytes of latest values kept on the heap (an eighth of the max heap unless {@code -Dstore.valueCacheBytes});
     * beyond it only the metadata stays and values are read from the backend, so the heap grows with the number of
     * keys, not with the size of the data.
     */
    static final long DEFAULT_VALUE_BUDGET = Long.getLong("store.valueCacheBytes", Runtime.getRuntime().maxMemory() / 8);

    private final NavigableMap<ByteString, KeyIndex> tree = new TreeMap<>(KeyRange.ORDER);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile long valueBudget = DEFAULT_VALUE_BUDGET;
    private long cachedBytes; // guarded by the write lock
    private volatile Function<Revision, KeyValue> loader = r -> {
        throw new IllegalStateException("no value loader");
    };

    /** Reads a committed value whose bytes were dropped from the heap. */
    void setLoader(Function<Revision, KeyValue> loader) {
        this.loader = loader;
    }

    void setValueBudget(long bytes) {
        valueBudget = bytes;
    }

    /** Drops from the heap the values of {@code keys} (just committed) while over the value budget. */
    void trim(Iterable<ByteString> keys) {
        if (cachedBytes <= valueBudget) {
            return;
        }
        lock.writeLock().lock();
        try {
            for (ByteString k : keys) {
                if (cachedBytes <= valueBudget) {
                    return;
                }
                KeyIndex ki = tree.get(k);
                if (ki != null) {
                    cachedBytes -= ki.cachedBytes();
                    ki.dropValue();
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** After recovery: drops values until within the budget. */
    void trimAll() {
        trim(() -> tree.keySet().iterator());
    }

    private KeyValue full(KeyIndex ki) {
        KeyValue kv = ki.latest();
        if (kv == null || ki.valueCached()) {
            return kv;
        }
        KeyValue loaded = loader.apply(ki.newest());
        if (loaded == null) {
            throw new IllegalStateException("value of " + ki.key().toStringUtf8() + " missing at " + ki.newest());
        }
        return loaded;
    }

    /** Live keys in {@code range} at main revision {@code atRev}; {@code limit <= 0} means no limit. */
    public Scan range(KeyRange range, long atRev, long limit) {
        List<Hit> hits = new ArrayList<>();
        long count = 0;
        lock.readLock().lock();
        try {
            for (KeyIndex ki : candidates(range)) {
                KeyIndex.Rev r = ki.at(atRev);
                if (r == null || r.tombstone()) {
                    continue;
                }
                count++;
                if (limit <= 0 || hits.size() < limit) {
                    KeyValue latest = ki.cachedLatest();
                    KeyValue cached = latest != null && latest.getModRevision() == r.main() ? latest : null;
                    hits.add(new Hit(ki.key(), r.revision(), cached));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return new Scan(hits, count);
    }

    /** The newest revision of {@code key} strictly before main revision {@code rev}, if it is a live value. */
    public Hit before(ByteString key, long rev) {
        lock.readLock().lock();
        try {
            KeyIndex ki = tree.get(key);
            KeyIndex.Rev r = ki == null ? null : ki.before(rev);
            if (r == null || r.tombstone()) {
                return null;
            }
            KeyValue latest = ki.cachedLatest();
            KeyValue cached = latest != null && latest.getModRevision() == r.main() ? latest : null;
            return new Hit(key, r.revision(), cached);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The latest value of {@code key}, or null when it does not exist. Writer-side read of the newest state. */
    public KeyValue latest(ByteString key) {
        lock.readLock().lock();
        try {
            KeyIndex ki = tree.get(key);
            return ki == null ? null : full(ki);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Metadata (revisions, version, lease; the value only when held on the heap) of every live key in {@code range}. */
    public List<KeyValue> latestMetadata(KeyRange range) {
        List<KeyValue> out = new ArrayList<>();
        lock.readLock().lock();
        try {
            for (KeyIndex ki : candidates(range)) {
                if (ki.exists()) {
                    out.add(ki.latest());
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    /**
     * The keys in {@code range} that exist now, each with its value when {@code values} or when it is on the heap
     * anyway; otherwise with its metadata only.
     */
    public List<Live> live(KeyRange range, boolean values) {
        List<Live> out = new ArrayList<>();
        lock.readLock().lock();
        try {
            for (KeyIndex ki : candidates(range)) {
                if (ki.exists()) {
                    boolean cached = ki.valueCached();
                    out.add(new Live(values && !cached ? full(ki) : ki.latest(), values || cached));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    /** Latest values of the keys in {@code range} that exist now. */
    public List<KeyValue> latest(KeyRange range) {
        List<KeyValue> out = new ArrayList<>();
        lock.readLock().lock();
        try {
            for (KeyIndex ki : candidates(range)) {
                if (ki.exists()) {
                    out.add(full(ki));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    public void put(KeyValue kv, Revision r) {
        lock.writeLock().lock();
        try {
            KeyIndex ki = tree.computeIfAbsent(kv.getKey(), KeyIndex::new);
            cachedBytes -= ki.cachedBytes();
            ki.put(r, kv);
            cachedBytes += ki.cachedBytes();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void tombstone(ByteString key, Revision r) {
        lock.writeLock().lock();
        try {
            KeyIndex ki = tree.computeIfAbsent(key, KeyIndex::new);
            cachedBytes -= ki.cachedBytes();
            ki.tombstone(r);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops history at or before {@code compactRev} (keeping each key's value there); returns dropped revisions. */
    public List<Revision> compact(long compactRev) {
        List<Revision> dropped = new ArrayList<>();
        lock.writeLock().lock();
        try {
            Iterator<Map.Entry<ByteString, KeyIndex>> it = tree.entrySet().iterator();
            while (it.hasNext()) {
                KeyIndex ki = it.next().getValue();
                dropped.addAll(ki.compact(compactRev));
                if (ki.isEmpty()) {
                    it.remove();
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        return dropped;
    }

    /** Number of keys with any history. */
    public int size() {
        lock.readLock().lock();
        try {
            return tree.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    private Iterable<KeyIndex> candidates(KeyRange range) {
        if (range.isSingle()) {
            KeyIndex ki = tree.get(range.key());
            return ki == null ? List.of() : List.of(ki);
        }
        if (range.end().isEmpty()) {
            return tree.tailMap(range.key(), true).values();
        }
        if (KeyRange.ORDER.compare(range.key(), range.end()) >= 0) {
            return List.of();
        }
        return tree.subMap(range.key(), true, range.end(), false).values();
    }
}
