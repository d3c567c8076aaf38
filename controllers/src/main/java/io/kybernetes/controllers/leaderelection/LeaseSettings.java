package io.kybernetes.controllers.leaderelection;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how a component campaigns: the Lease's namespace and name, how long a lease lasts without renewal, how
 * long the leader keeps trying to renew before it gives up leading, and how often candidates retry. Validated as
 * upstream validates its leader-election configuration.
 */
public record LeaseSettings(String namespace, String name, Duration leaseDuration, Duration renewDeadline,
        Duration retryPeriod) {

    /** Upstream's jitter factor on the retry period (fabric8's LeaderElector uses the same). */
    static final double JITTER_FACTOR = 1.2;

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

    public LeaseSettings {
        if (namespace == null || namespace.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("leader election needs a resource namespace and name");
        }
        if (leaseDuration.isNegative() || leaseDuration.isZero() || renewDeadline.isNegative()
                || renewDeadline.isZero() || retryPeriod.isNegative() || retryPeriod.isZero()) {
            throw new IllegalArgumentException("leader election durations must be positive");
        }
        if (leaseDuration.compareTo(renewDeadline) <= 0) {
            throw new IllegalArgumentException("leaseDuration (" + text(leaseDuration)
                    + ") must be greater than renewDeadline (" + text(renewDeadline) + ")");
        }
        if (renewDeadline.toMillis() <= JITTER_FACTOR * retryPeriod.toMillis()) {
            throw new IllegalArgumentException("renewDeadline (" + text(renewDeadline)
                    + ") must be greater than retryPeriod*JitterFactor (" + text(retryPeriod) + "*1.2)");
        }
    }

    /**
     * Parses a duration as the upstream flags write them: a sequence of decimal numbers with a unit each,
     * {@code h}, {@code m}, {@code s} or {@code ms} ({@code 15s}, {@code 1m30s}, {@code 1.5s}, {@code 500ms}).
     * A bare number means seconds.
     */
    public static Duration parseDuration(String text) {
        String s = text == null ? "" : text.trim();
        if (s.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        double millis = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            millis += n * switch (m.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1_000;
                default -> 1;
            };
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (want e.g. 15s, 1m30s, 500ms)");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public String toString() {
        return namespace + "/" + name + " (lease " + text(leaseDuration) + ", renew deadline " + text(renewDeadline)
                + ", retry " + text(retryPeriod) + ")";
    }
}
