package io.kybernetes.controllers.reconcile;

import java.time.Duration;

/** What a reconcile asks of the queue: nothing more, a rate-limited retry, or another look after a delay. */
public record Result(Kind kind, Duration after) {

    public enum Kind { DONE, REQUEUE, REQUEUE_AFTER }

    private static final Result DONE = new Result(Kind.DONE, Duration.ZERO);
    private static final Result REQUEUE = new Result(Kind.REQUEUE, Duration.ZERO);

    public static Result done() {
        return DONE;
    }

    public static Result requeue() {
        return REQUEUE;
    }

    public static Result requeueAfter(Duration d) {
        return new Result(Kind.REQUEUE_AFTER, d);
    }
}
