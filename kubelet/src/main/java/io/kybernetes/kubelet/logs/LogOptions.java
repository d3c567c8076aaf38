package io.kybernetes.kubelet.logs;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/** The query parameters of {@code /containerLogs} (the same as the API's pod log options). */
public record LogOptions(boolean follow, Long tailLines, boolean timestamps, Instant since, boolean previous,
                         Long limitBytes) {

    /** Reads the options from query parameters; throws IllegalArgumentException with a clear message. */
    public static LogOptions from(Function<String, String> query, Instant now) {
        Instant since = null;
        String sinceSeconds = query.apply("sinceSeconds");
        String sinceTime = query.apply("sinceTime");
        if (sinceSeconds != null && sinceTime != null) {
            throw new IllegalArgumentException("at most one of sinceTime or sinceSeconds may be specified");
        }
        if (sinceSeconds != null) {
            long s = positive("sinceSeconds", sinceSeconds);
            since = now.minusSeconds(s);
        }
        if (sinceTime != null) {
            try {
                since = Instant.parse(sinceTime);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("sinceTime: invalid RFC3339 time \"" + sinceTime + "\"");
            }
        }
        String tail = query.apply("tailLines");
        String limit = query.apply("limitBytes");
        Long tailLines = tail == null ? null : nonNegative("tailLines", tail);
        return new LogOptions(bool(query.apply("follow")), tailLines, bool(query.apply("timestamps")), since,
                bool(query.apply("previous")), limit == null ? null : positive("limitBytes", limit));
    }

    private static boolean bool(String v) {
        return v != null && (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1"));
    }

    private static long nonNegative(String name, String v) {
        long n = number(name, v);
        if (n < 0) {
            throw new IllegalArgumentException(name + ": must be greater than or equal to 0");
        }
        return n;
    }

    private static long positive(String name, String v) {
        long n = number(name, v);
        if (n < 1) {
            throw new IllegalArgumentException(name + ": must be greater than 0");
        }
        return n;
    }

    private static long number(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": invalid integer \"" + v + "\"");
        }
    }
}
