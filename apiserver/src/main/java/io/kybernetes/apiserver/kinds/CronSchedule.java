package io.kybernetes.apiserver.kinds;

import java.util.List;
import java.util.Map;

/**
 * Validation of a CronJob schedule in the standard five-field cron syntax (minute hour day-of-month month
 * day-of-week, with lists, ranges, steps, names and ?) or a descriptor (@hourly, @every 1h...), with the messages of
 * the parser upstream uses. Hand-written: only validation is needed here, the controllers compute run times.
 */
public final class CronSchedule {

    private record FieldRange(int min, int max, Map<String, Integer> names) {
    }

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
            "fri", 5, "sat", 6);
    private static final List<FieldRange> FIELDS = List.of(new FieldRange(0, 59, Map.of()),
            new FieldRange(0, 23, Map.of()), new FieldRange(1, 31, Map.of()), new FieldRange(1, 12, MONTHS),
            new FieldRange(0, 6, DAYS));
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");

    private CronSchedule() {
    }

    /** The parse error of {@code schedule}, or null when it is valid. */
    public static String error(String schedule) {
        String s = schedule.trim();
        if (s.isEmpty()) {
            return "empty spec string";
        }
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
        }
        if (s.startsWith("@")) {
            if (DESCRIPTORS.contains(s)) {
                return null;
            }
            if (s.startsWith("@every ")) {
                return s.substring(7).trim().matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+") ? null
                        : "failed to parse duration " + s + ": time: invalid duration \"" + s.substring(7).trim() + "\"";
            }
            return "unrecognized descriptor: " + s;
        }
        String[] fields = s.split("\\s+");
        if (fields.length != 5) {
            return "expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]";
        }
        for (int i = 0; i < 5; i++) {
            for (String part : fields[i].split(",", -1)) {
                String err = range(part, FIELDS.get(i), i == 2 || i == 4);
                if (err != null) {
                    return err;
                }
            }
        }
        return null;
    }

    private static String range(String expr, FieldRange r, boolean questionMark) {
        String[] stepSplit = expr.split("/", -1);
        if (stepSplit.length > 2) {
            return "too many slashes: " + expr;
        }
        String[] lowHigh = stepSplit[0].split("-", -1);
        if (lowHigh.length > 2) {
            return "too many hyphens: " + expr;
        }
        int start;
        int end;
        if (lowHigh[0].equals("*") || (questionMark && lowHigh[0].equals("?"))) {
            start = r.min();
            end = r.max();
            if (lowHigh.length > 1) {
                return "too many hyphens: " + expr;
            }
        } else {
            Integer low = value(lowHigh[0], r);
            if (low == null) {
                return "failed to parse int from " + lowHigh[0] + ": strconv.Atoi: parsing \"" + lowHigh[0]
                        + "\": invalid syntax";
            }
            start = low;
            end = low;
            if (lowHigh.length == 2) {
                Integer high = value(lowHigh[1], r);
                if (high == null) {
                    return "failed to parse int from " + lowHigh[1] + ": strconv.Atoi: parsing \"" + lowHigh[1]
                            + "\": invalid syntax";
                }
                end = high;
            }
        }
        if (stepSplit.length == 2) {
            Integer step = value(stepSplit[1], new FieldRange(0, Integer.MAX_VALUE, Map.of()));
            if (step == null) {
                return "failed to parse int from " + stepSplit[1] + ": strconv.Atoi: parsing \"" + stepSplit[1]
                        + "\": invalid syntax";
            }
            if (step == 0) {
                return "step of range should be a positive number: " + expr;
            }
        }
        if (start < r.min()) {
            return "beginning of range (" + start + ") below minimum (" + r.min() + "): " + expr;
        }
        if (end > r.max()) {
            return "end of range (" + end + ") above maximum (" + r.max() + "): " + expr;
        }
        if (start > end) {
            return "beginning of range (" + start + ") beyond end of range (" + end + "): " + expr;
        }
        return null;
    }

    private static Integer value(String s, FieldRange r) {
        Integer named = r.names().get(s.toLowerCase());
        if (named != null) {
            return named;
        }
        if (!s.matches("\\d{1,9}")) {
            return null;
        }
        return Integer.parseInt(s);
    }
}
