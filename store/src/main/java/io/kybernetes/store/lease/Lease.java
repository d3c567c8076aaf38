package io.kybernetes.store.lease;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

/** A granted lease: its TTL, when it expires (monotonic clock) and the keys attached to it. */
public final class Lease {

    private final long id;
    private final long ttl;
    private final Set<ByteString> keys = ConcurrentHashMap.newKeySet();
    private volatile long expiryNanos;
    volatile boolean revoking;

    Lease(long id, long ttl, long nowNanos) {
        this.id = id;
        this.ttl = ttl;
        refresh(nowNanos);
    }

    public long id() {
        return id;
    }

    /** The granted TTL in seconds. */
    public long ttl() {
        return ttl;
    }

    void refresh(long nowNanos) {
        expiryNanos = nowNanos + TimeUnit.SECONDS.toNanos(ttl);
    }

    boolean expired(long nowNanos) {
        return nowNanos - expiryNanos >= 0;
    }

    /** Whole seconds left (truncated, as etcd reports them), never negative. */
    public long remainingSeconds(long nowNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(expiryNanos - nowNanos));
    }

    Set<ByteString> keySet() {
        return keys;
    }

    public List<ByteString> keys() {
        return List.copyOf(keys);
    }
}
