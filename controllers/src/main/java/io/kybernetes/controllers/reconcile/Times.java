package io.kybernetes.controllers.reconcile;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** API timestamps (RFC 3339, whole seconds, UTC) to and from instants. */
public final class Times {

    private Times() {
    }

    public static String format(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Null for null, empty or malformed text. */
    public static Instant parse(String ts) {
        if (ts == null || ts.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(ts);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
