package io.kybernetes.apiserver.watch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.kybernetes.apiserver.storage.StoredValue;

/**
 * One change of a watched key, as the store reported it: a put (prev is null for a create) or a delete (value is
 * null; revision is the deletion's). The watchers it is delivered to share it, and with it what they derive from
 * it (the decoded object, its JSON) through {@link #memo}: what they derive must be treated as read-only.
 */
public final class Change {

    private final StoredValue value;
    private final StoredValue prev;
    private final long revision;
    private final boolean deleted;
    private final ConcurrentHashMap<Object, Object> memo = new ConcurrentHashMap<>(4);

    public Change(StoredValue value, StoredValue prev, long revision, boolean deleted) {
        this.value = value;
        this.prev = prev;
        this.revision = revision;
        this.deleted = deleted;
    }

    public StoredValue value() {
        return value;
    }

    public StoredValue prev() {
        return prev;
    }

    public long revision() {
        return revision;
    }

    public boolean deleted() {
        return deleted;
    }

    public String key() {
        return value != null ? value.key() : prev != null ? prev.key() : "";
    }

    /** The same change without what was derived from it (the window keeps these: derived forms are large). */
    Change fresh() {
        return new Change(value, prev, revision, deleted);
    }

    /** Bytes of the stored values it holds. */
    long size() {
        return (value == null ? 0 : value.value().length) + (prev == null ? 0 : prev.value().length);
    }

    /** What {@code compute} derives from this change, computed once for all watchers that ask with {@code key}. */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object key, Supplier<T> compute) {
        return (T) memo.computeIfAbsent(key, k -> compute.get());
    }
}
