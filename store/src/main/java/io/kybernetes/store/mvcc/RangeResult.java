package io.kybernetes.store.mvcc;

import java.util.List;

import io.etcd.jetcd.api.KeyValue;

/** Values read: {@code kvs} (possibly limited), {@code count} live keys in the range, at store revision {@code rev}. */
public record RangeResult(List<KeyValue> kvs, long count, long rev) {
}
