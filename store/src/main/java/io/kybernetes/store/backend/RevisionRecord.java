package io.kybernetes.store.backend;

import io.etcd.jetcd.api.KeyValue;

/**
 * One change in history: the key-value as written at {@code revision}, or a tombstone (then {@code kv} holds only the
 * key and mod_revision).
 */
public record RevisionRecord(Revision revision, KeyValue kv, boolean tombstone) {
}
