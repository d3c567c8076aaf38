package io.kybernetes.apiserver.protobuf;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * meta/v1 Duration travels as a Go duration string in JSON ("1h2m3.5s") and as int64 nanoseconds in protobuf.
 * Hand-written because java.time.Duration speaks ISO-8601 ("PT1H"), not Go's syntax.
 */
final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private GoDuration() {
    }

    static long parse(String text) {
        String s = text.trim();
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        BigDecimal total = BigDecimal.ZERO;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("invalid duration " + text);
            }
            total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException("invalid duration " + text);
        }
        long nanos = total.longValue();
        return negative ? -nanos : nanos;
    }

    /** Formats like Go's time.Duration.String(): "1h0m0s", "1.5s", "300ms", "0s". */
    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        if (nanos < NANOS_PER_SECOND) {
            if (nanos < 1_000) {
                return out.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000) {
                return out.append(decimal(nanos, 1_000)).append("µs").toString();
            }
            return out.append(decimal(nanos, 1_000_000)).append("ms").toString();
        }
        long hours = nanos / (3600 * NANOS_PER_SECOND);
        long rest = nanos % (3600 * NANOS_PER_SECOND);
        long minutes = rest / (60 * NANOS_PER_SECOND);
        rest = rest % (60 * NANOS_PER_SECOND);
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(decimal(rest, NANOS_PER_SECOND)).append('s').toString();
    }

    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> NANOS_PER_SECOND;
            case "m" -> 60 * NANOS_PER_SECOND;
            default -> 3600 * NANOS_PER_SECOND;
        };
    }
}
