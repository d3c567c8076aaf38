package io.kybernetes.store.mvcc;

/** The outcome of a durable write transaction: the caller's value and the store revision after it. */
public record Written<T>(T value, long rev) {
}
