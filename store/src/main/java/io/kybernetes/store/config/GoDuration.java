package io.kybernetes.store.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as etcd's flags take them (Go's syntax: "10m", "1m30s", "500ms", "1.5h"). */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {
    }

    /** Parses {@code s}; throws IllegalArgumentException naming the value when it is not a duration. */
    public static Duration parse(String s) {
        String t = s == null ? "" : s.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException("invalid duration \"" + s + "\" (examples: 10m, 30s, 500ms, 1h30m)");
        }
        return Duration.ofNanos((long) nanos);
    }
}
