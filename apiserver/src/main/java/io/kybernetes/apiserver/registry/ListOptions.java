package io.kybernetes.apiserver.registry;

import java.util.ArrayList;
import java.util.List;

import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;

/**
 * The paging and consistency options of a list: {@code limit}, {@code continue}, {@code resourceVersion} and
 * {@code resourceVersionMatch} with upstream's semantics: no resourceVersion reads the newest state
 * (linearizable), "0" any state (here also the newest), a number with match Exact exactly that revision, with
 * NotOlderThan (or no match) a state at least that new.
 *
 * @param limit                0 for everything
 * @param continueToken        null on the first page
 * @param resourceVersion      null or "" when unset
 * @param resourceVersionMatch null, "Exact" or "NotOlderThan"
 */
public record ListOptions(long limit, ContinueToken continueToken, String resourceVersion,
        String resourceVersionMatch) {

    public static final ListOptions ALL = new ListOptions(0, null, null, null);

    /** Parses and validates the query parameters (400/422 as upstream for bad combinations). */
    public static ListOptions parse(String limit, String continueToken, String resourceVersion, String match) {
        long l = 0;
        if (limit != null && !limit.isEmpty()) {
            try {
                l = Long.parseLong(limit);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid limit: " + limit);
            }
        }
        boolean hasRv = resourceVersion != null && !resourceVersion.isEmpty();
        List<Cause> causes = new ArrayList<>();
        if (match != null && !match.isEmpty()) {
            if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
                causes.add(Cause.notSupported("resourceVersionMatch", match,
                        "supported values: \"Exact\", \"NotOlderThan\", \"\""));
            } else if (!hasRv) {
                causes.add(Cause.forbidden("resourceVersionMatch",
                        "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            } else if (match.equals("Exact") && resourceVersion.equals("0")) {
                causes.add(Cause.forbidden("resourceVersionMatch",
                        "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }
        boolean hasContinue = continueToken != null && !continueToken.isEmpty();
        if (hasContinue && match != null && !match.isEmpty()) {
            causes.add(Cause.forbidden("resourceVersionMatch",
                    "resourceVersionMatch is forbidden when continue is provided"));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("meta.k8s.io", "ListOptions", "", causes);
        }
        if (hasContinue && hasRv && !resourceVersion.equals("0")) {
            throw ApiException.badRequest("specifying resource version is not allowed when using continue");
        }
        if (hasRv) {
            try {
                if (Long.parseLong(resourceVersion) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid resource version: " + resourceVersion);
            }
        }
        ContinueToken token;
        try {
            token = hasContinue ? ContinueToken.decode(continueToken) : null;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return new ListOptions(Math.max(0, l), token, hasRv ? resourceVersion : null, match);
    }

    /** The revision to read at: a continue token's, an exact resourceVersion, or 0 for the newest. */
    long readRevision() {
        if (continueToken != null) {
            return Math.max(0, continueToken.revision());
        }
        if ("Exact".equals(resourceVersionMatch)) {
            return Long.parseLong(resourceVersion);
        }
        return 0;
    }

    /** The revision the result must be at least as new as (NotOlderThan), 0 when none. */
    long minimumRevision() {
        if (resourceVersion == null || "Exact".equals(resourceVersionMatch) || continueToken != null) {
            return 0;
        }
        return Long.parseLong(resourceVersion);
    }
}
