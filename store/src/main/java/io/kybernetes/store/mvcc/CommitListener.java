package io.kybernetes.store.mvcc;

import java.util.List;

import io.etcd.jetcd.api.Event;

/** Told about every durable group of writes, in revision order, while the store's publish lock is held. */
public interface CommitListener {

    /** {@code events} carry prev_kv always; {@code rev} is the new current revision. */
    void committed(long rev, List<Event> events);
}
