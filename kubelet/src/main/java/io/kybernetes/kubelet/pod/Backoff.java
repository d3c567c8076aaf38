package io.kybernetes.kubelet.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key exponential back-off as the kubelet uses for crashing containers and failing pulls: the first retry is
 * immediate, then 10 s doubling up to 300 s; a key that stayed quiet for twice the maximum starts over.
 */
public final class Backoff {

    private record Entry(Duration delay, Instant last) {
    }

    private final Duration initial;
    private final Duration max;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    public static Backoff standard() {
        return new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(300));
    }

    /** Records one more failure-driven retry of {@code key} at {@code now}; returns the delay before the next. */
    public Duration next(String key, Instant now) {
        Entry e = entries.get(key);
        Duration d;
        if (e == null || Duration.between(e.last(), now).compareTo(max.multipliedBy(2)) > 0) {
            d = initial;
        } else {
            d = e.delay().multipliedBy(2);
            if (d.compareTo(max) > 0) {
                d = max;
            }
        }
        entries.put(key, new Entry(d, now));
        return d;
    }

    /** The current delay of {@code key}, or zero when it has none. */
    public Duration delay(String key) {
        Entry e = entries.get(key);
        return e == null ? Duration.ZERO : e.delay();
    }

    /**
     * How long {@code key} must still wait when the failure happened at {@code since}; zero when it may retry now.
     */
    public Duration remaining(String key, Instant since, Instant now) {
        Entry e = entries.get(key);
        if (e == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, since.plus(e.delay()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    public void forgetPrefix(String prefix) {
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
