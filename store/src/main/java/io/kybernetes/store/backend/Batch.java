package io.kybernetes.store.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The changes of one or more write transactions, applied by {@link Backend#commit} atomically and durably. */
public final class Batch {

    final List<RevisionRecord> records = new ArrayList<>();
    final List<Revision> removedRevisions = new ArrayList<>();
    final Map<Long, Long> leasePuts = new LinkedHashMap<>();
    final List<Long> leaseDeletes = new ArrayList<>();
    final Map<String, Long> meta = new LinkedHashMap<>();

    public void put(RevisionRecord record) {
        records.add(record);
    }

    /** Drops a history entry (compaction). */
    public void remove(Revision revision) {
        removedRevisions.add(revision);
    }

    public void putLease(long id, long ttl) {
        leaseDeletes.remove(id);
        leasePuts.put(id, ttl);
    }

    public void deleteLease(long id) {
        leasePuts.remove(id);
        leaseDeletes.add(id);
    }

    public void meta(String key, long value) {
        meta.put(key, value);
    }

    public boolean isEmpty() {
        return records.isEmpty() && removedRevisions.isEmpty() && leasePuts.isEmpty() && leaseDeletes.isEmpty()
                && meta.isEmpty();
    }
}
