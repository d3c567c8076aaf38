package io.kybernetes.apiserver.registry;

/** meta/v1 DeleteOptions as the store uses them (from the body or the query). */
public record DeleteOptions(Long gracePeriodSeconds, String preconditionUid, String preconditionResourceVersion,
        String propagationPolicy, boolean dryRun) {

    public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false);
}
