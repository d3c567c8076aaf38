package io.kybernetes.kubelet.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small bounded map whose entries expire: the webhook answers (TokenReview, SubjectAccessReview) the kubelet
 * keeps, each with its own time to live. Hand-written: the kubelet has no cache library, and this needs only
 * put/get with expiry and an upper bound (oldest entries go first).
 */
final class TtlCache<K, V> {

    private record Entry<V>(V value, Instant expires) {
    }

    private final Clock clock;
    private final int maxEntries;
    private final LinkedHashMap<K, Entry<V>> entries = new LinkedHashMap<>();

    TtlCache(Clock clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    synchronized V get(K key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expires())) {
            entries.remove(key);
            return null;
        }
        return e.value();
    }

    synchronized void put(K key, V value, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        entries.remove(key);
        entries.put(key, new Entry<>(value, clock.instant().plus(ttl)));
        if (entries.size() > maxEntries) {
            Instant now = clock.instant();
            entries.values().removeIf(e -> !now.isBefore(e.expires()));
            Iterator<Map.Entry<K, Entry<V>>> it = entries.entrySet().iterator();
            while (entries.size() > maxEntries && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
