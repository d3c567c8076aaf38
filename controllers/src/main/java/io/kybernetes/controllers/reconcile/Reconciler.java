package io.kybernetes.controllers.reconcile;

/**
 * Brings the object named by {@code key} ("namespace/name") to its desired state. Must be idempotent and
 * level-triggered: it reads the current state from informer caches (copying before mutating), never from events.
 * Exceptions are retried with back-off by the {@link QueueController}.
 */
@FunctionalInterface
public interface Reconciler {
    Result reconcile(String key) throws Exception;
}
