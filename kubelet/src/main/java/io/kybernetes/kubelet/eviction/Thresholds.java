package io.kybernetes.kubelet.eviction;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Parses the kubelet's eviction flags as upstream does: {@code --eviction-hard} and {@code --eviction-soft} are
 * comma-separated {@code signal<value} statements (value a quantity such as {@code 100Mi} or a percentage such as
 * {@code 10%}; a value of 0 or 0% turns the signal off), {@code --eviction-soft-grace-period} and
 * {@code --eviction-minimum-reclaim} are {@code signal=value} lists. Every soft threshold needs a grace period.
 * Setting {@code --eviction-hard} replaces all its defaults (unlisted signals have no hard threshold).
 */
public final class Thresholds {

    public static final String DEFAULT_HARD =
            "memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%";

    private static final Pattern STATEMENT = Pattern.compile("\\s*([A-Za-z.]+)\\s*([<>=!]+)\\s*(\\S+)\\s*");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?)(ns|us|µs|ms|s|m|h)");

    private Thresholds() {
    }

    public static List<Threshold> parse(String hard, String soft, String softGracePeriods, String minimumReclaims) {
        Map<Signal, Threshold.Amount> hardValues = statements("--eviction-hard", hard);
        Map<Signal, Threshold.Amount> softValues = statements("--eviction-soft", soft);
        Map<Signal, Duration> graces = new LinkedHashMap<>();
        pairs("--eviction-soft-grace-period", softGracePeriods).forEach((signal, text) -> {
            Duration d = goDuration(text);
            if (d.isNegative()) {
                throw new IllegalArgumentException("--eviction-soft-grace-period: " + signal
                        + " must not be negative: " + text);
            }
            graces.put(signal, d);
        });
        Map<Signal, Threshold.Amount> reclaims = new LinkedHashMap<>();
        pairs("--eviction-minimum-reclaim", minimumReclaims)
                .forEach((signal, text) -> reclaims.put(signal, amount("--eviction-minimum-reclaim", signal, text)));
        List<Threshold> out = new ArrayList<>();
        hardValues.forEach((signal, v) -> {
            if (v != null) {
                out.add(new Threshold(signal, v, Duration.ZERO, reclaims.get(signal)));
            }
        });
        softValues.forEach((signal, v) -> {
            Duration grace = graces.get(signal);
            if (grace == null || grace.isZero()) {
                throw new IllegalArgumentException("grace period must be specified for the soft eviction threshold "
                        + signal + " (--eviction-soft-grace-period=" + signal + "=1m30s)");
            }
            if (v != null) {
                out.add(new Threshold(signal, v, grace, reclaims.get(signal)));
            }
        });
        return List.copyOf(out);
    }

    /** {@code signal<value} statements; a null value is a signal turned off by 0 or 0%. */
    static Map<Signal, Threshold.Amount> statements(String flag, String text) {
        Map<Signal, Threshold.Amount> out = new LinkedHashMap<>();
        for (String part : items(text)) {
            Matcher m = STATEMENT.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(flag + ": invalid eviction threshold syntax \"" + part
                        + "\", expected <signal><operator><value> such as memory.available<100Mi");
            }
            Signal signal = signal(flag, m.group(1));
            if (!"<".equals(m.group(2))) {
                throw new IllegalArgumentException(flag + ": unsupported operator \"" + m.group(2) + "\" in \""
                        + part + "\" (only < is supported)");
            }
            if (out.containsKey(signal)) {
                throw new IllegalArgumentException(flag + ": found duplicate eviction threshold for signal " + signal);
            }
            Threshold.Amount a = amount(flag, signal, m.group(3));
            out.put(signal, a.isPercent() ? (a.percent() == 0 ? null : a) : (a.quantity() == 0 ? null : a));
        }
        return out;
    }

    private static Map<Signal, String> pairs(String flag, String text) {
        Map<Signal, String> out = new LinkedHashMap<>();
        for (String part : items(text)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(flag + ": expected signal=value, got \"" + part + "\"");
            }
            Signal signal = signal(flag, part.substring(0, eq).trim());
            if (out.put(signal, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(flag + ": duplicate signal " + signal);
            }
        }
        return out;
    }

    private static List<String> items(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String s : text.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static Signal signal(String flag, String name) {
        return Signal.of(name).orElseThrow(() -> new IllegalArgumentException(flag + ": unsupported eviction signal "
                + name + " (supported: memory.available, nodefs.available, nodefs.inodesFree, imagefs.available, "
                + "imagefs.inodesFree, pid.available)"));
    }

    static Threshold.Amount amount(String flag, Signal signal, String text) {
        if (text.endsWith("%")) {
            double p;
            try {
                p = Double.parseDouble(text.substring(0, text.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": invalid percentage \"" + text + "\" for " + signal);
            }
            if (p < 0 || p > 100) {
                throw new IllegalArgumentException(flag + ": eviction percentage threshold " + signal
                        + " must be >= 0% and <= 100%: " + text);
            }
            return Threshold.Amount.ofPercent(p);
        }
        BigDecimal v;
        try {
            v = Quantity.getAmountInBytes(new Quantity(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(flag + ": invalid quantity \"" + text + "\" for " + signal);
        }
        if (v.signum() < 0) {
            throw new IllegalArgumentException(flag + ": eviction threshold " + signal + " must be positive: " + text);
        }
        return Threshold.Amount.ofQuantity(v.longValue(), text);
    }

    /** A Go duration ("1m30s", "90s", "5m", "1.5h"), the format upstream's duration flags take. */
    public static Duration goDuration(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        Matcher m = DURATION_PART.matcher(t);
        int at = 0;
        double nanos = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            at = m.end();
        }
        if (at == 0 || at != t.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 30s, 5m, 1m30s)");
        }
        Duration d = Duration.ofNanos((long) nanos);
        return negative ? d.negated() : d;
    }
}
