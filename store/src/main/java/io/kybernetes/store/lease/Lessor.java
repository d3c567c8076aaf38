package io.kybernetes.store.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.kybernetes.store.mvcc.EtcdException;
import io.kybernetes.store.mvcc.KeyRange;
import io.kybernetes.store.mvcc.LeaseAttachments;
import io.kybernetes.store.mvcc.MvccStore;
import io.kybernetes.store.mvcc.Written;

/**
 * Grants, renews and revokes leases. Grants and revocations go through the store's writer so they are durable (and
 * a revocation deletes the attached keys in one revision); renewals are in memory only. As etcd does, a restart
 * gives every persisted lease its full TTL again.
 */
public final class Lessor implements LeaseAttachments, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Lessor.class);

    /** Shortest TTL granted, in seconds (etcd: 1.5 election timeouts, rounded up). */
    static long minTtl = 2;
    /** Largest TTL accepted, in seconds. */
    static final long MAX_TTL = 9_000_000_000L;
    /** How often expired leases are looked for. Tunable for tests. */
    static long expiryCheckMillis = 250;

    private final MvccStore store;
    private final LongSupplier clock;
    private final Map<Long, Lease> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService expiry;

    public Lessor(MvccStore store) {
        this(store, System::nanoTime);
    }

    Lessor(MvccStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        long now = clock.getAsLong();
        store.backend().leases().forEach((id, ttl) -> leases.put(id, new Lease(id, ttl, now)));
        store.attachLeases(this);
        LOG.infof("restored %d leases (each with its full TTL)", leases.size());
        expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-expiry");
            t.setDaemon(true);
            return t;
        });
        expiry.scheduleWithFixedDelay(this::revokeExpired, expiryCheckMillis, expiryCheckMillis, TimeUnit.MILLISECONDS);
    }

    /** Grants a lease; {@code id == 0} picks a free id. */
    public CompletableFuture<Written<Lease>> grant(long id, long ttl) {
        if (ttl > MAX_TTL) {
            return CompletableFuture.failedFuture(EtcdException.leaseTtlTooLarge());
        }
        long granted = Math.max(ttl, minTtl);
        return store.write(txn -> {
            long lid = id;
            if (lid == 0) {
                do {
                    lid = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
                } while (leases.containsKey(lid));
            } else if (leases.containsKey(lid)) {
                throw EtcdException.leaseExists();
            }
            Lease lease = new Lease(lid, granted, clock.getAsLong());
            txn.batch().putLease(lid, granted);
            leases.put(lid, lease);
            LOG.debugf("granted lease %x ttl %d", lid, granted);
            return lease;
        });
    }

    /** Revokes a lease, deleting its keys in one revision. */
    public CompletableFuture<Written<Lease>> revoke(long id) {
        return store.write(txn -> {
            Lease lease = leases.get(id);
            if (lease == null) {
                throw EtcdException.leaseNotFound();
            }
            for (ByteString key : lease.keys()) {
                txn.delete(KeyRange.single(key), false);
            }
            txn.batch().deleteLease(id);
            leases.remove(id);
            LOG.debugf("revoked lease %x", id);
            return lease;
        });
    }

    /** Resets the lease's expiry; returns its TTL, or -1 if it does not exist or has expired. */
    public long renew(long id) {
        Lease lease = leases.get(id);
        long now = clock.getAsLong();
        if (lease == null || lease.expired(now)) {
            return -1;
        }
        lease.refresh(now);
        return lease.ttl();
    }

    public Optional<Lease> lookup(long id) {
        return Optional.ofNullable(leases.get(id));
    }

    public boolean exists(long id) {
        return leases.containsKey(id);
    }

    public List<Lease> list() {
        return new ArrayList<>(leases.values());
    }

    public long now() {
        return clock.getAsLong();
    }

    @Override
    public void attach(long lease, ByteString key) {
        Lease l = leases.get(lease);
        if (l != null) {
            l.keySet().add(key);
        }
    }

    @Override
    public void detach(long lease, ByteString key) {
        Lease l = leases.get(lease);
        if (l != null) {
            l.keySet().remove(key);
        }
    }

    /** Revokes every expired lease not already being revoked. Package-visible for tests. */
    void revokeExpired() {
        long now = clock.getAsLong();
        for (Lease l : leases.values()) {
            if (l.expired(now) && !l.revoking) {
                l.revoking = true;
                LOG.debugf("lease %x expired; revoking", l.id());
                revoke(l.id()).whenComplete((w, e) -> {
                    l.revoking = false;
                    if (e != null && !(e instanceof EtcdException)) {
                        LOG.warnf("revoking expired lease %x failed: %s", l.id(), e.toString());
                    }
                });
            }
        }
    }

    @Override
    public void close() {
        expiry.shutdownNow();
    }
}
