package io.kybernetes.controllers.reconcile;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Creations and deletions a controller has asked for but not yet seen in its informer, per controller key (as
 * upstream's ControllerExpectations). Until they are observed (or expire, in case a watch event was lost) the
 * controller must not act on its stale cache, or it would create or delete too many pods.
 */
public final class Expectations {

    static final Duration TTL = Duration.ofMinutes(5);

    private record Pending(long adds, long dels, long setAtNanos) {
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public Expectations() {
        this(System::nanoTime);
    }

    public Expectations(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    public void expectCreations(String key, int n) {
        pending.put(key, new Pending(n, 0, clock.getAsLong()));
    }

    public void expectDeletions(String key, int n) {
        pending.put(key, new Pending(0, n, clock.getAsLong()));
    }

    public void creationObserved(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.adds - 1, p.dels, p.setAtNanos));
    }

    public void deletionObserved(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.adds, p.dels - 1, p.setAtNanos));
    }

    /** True when nothing is pending for the key, everything pending was observed, or the record expired. */
    public boolean satisfied(String key) {
        Pending p = pending.get(key);
        if (p == null) {
            return true;
        }
        if (p.adds <= 0 && p.dels <= 0) {
            return true;
        }
        return clock.getAsLong() - p.setAtNanos > TTL.toNanos();
    }

    public void delete(String key) {
        pending.remove(key);
    }
}
