package io.kybernetes.store.backend;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The storage engine beneath the MVCC store: history keyed by revision, leases, and a few counters. Deliberately
 * narrow (as kine's backend) so the engine can be swapped without touching the MVCC or gRPC layers.
 */
public interface Backend extends AutoCloseable {

    /** Applies the batch atomically; returns only once it is durable (fsync'ed). */
    void commit(Batch batch);

    /** The history entry at exactly {@code revision}. */
    Optional<RevisionRecord> get(Revision revision);

    /**
     * Visits history entries in revision order, starting at {@code (fromMain, 0)} up to and including main revision
     * {@code toMain}, until the visitor returns false.
     */
    void scan(long fromMain, long toMain, Predicate<RevisionRecord> visitor);

    /** All persisted leases: id to granted TTL in seconds. */
    Map<Long, Long> leases();

    OptionalLong meta(String key);

    /** Approximate size of the database on disk, in bytes. */
    long sizeBytes();

    @Override
    void close();
}
