package io.kybernetes.apiserver.storage;

/** One key as read from the store: its value and the revisions etcd keeps for it. */
public record StoredValue(String key, byte[] value, long modRevision, long createRevision) {
}
