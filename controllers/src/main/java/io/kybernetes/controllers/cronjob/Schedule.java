package io.kybernetes.controllers.cronjob;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standard 5-field cron schedule (minute hour day-of-month month day-of-week) with names (jan, mon), ranges,
 * steps, lists, "?" and the descriptors @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly, in a time
 * zone (an optional "CRON_TZ=Zone " or "TZ=Zone " prefix, else the given zone). As in the cron library upstream
 * uses, when both day fields are restricted a day matching either one fires. Hand-written: no cron library on
 * Maven Central implements exactly these semantics without pulling a scheduler framework.
 */
public final class Schedule {

    private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    /** Searching further than this without a match means the schedule never fires (e.g. 30 February). */
    private static final int MAX_YEARS = 5;

    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet doms;
    private final BitSet months;
    private final BitSet dows;
    private final boolean domStar;
    private final boolean dowStar;
    private final ZoneId zone;

    private Schedule(BitSet minutes, BitSet hours, BitSet doms, BitSet months, BitSet dows, boolean domStar,
            boolean dowStar, ZoneId zone) {
        this.minutes = minutes;
        this.hours = hours;
        this.doms = doms;
        this.months = months;
        this.dows = dows;
        this.domStar = domStar;
        this.dowStar = dowStar;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * Parses {@code spec} in {@code timeZone} (null: UTC, the controller manager's zone here).
     *
     * @throws IllegalArgumentException with a message naming the bad part
     */
    public static Schedule parse(String spec, String timeZone) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty spec string");
        }
        String s = spec.trim();
        ZoneId zone = timeZone == null || timeZone.isEmpty() ? ZoneOffset.UTC : zone(timeZone);
        if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) {
            int sp = s.indexOf(' ');
            if (sp < 0) {
                throw new IllegalArgumentException("missing fields after time zone in \"" + spec + "\"");
            }
            zone = zone(s.substring(s.indexOf('=') + 1, sp));
            s = s.substring(sp + 1).trim();
        }
        if (s.startsWith("@")) {
            String d = DESCRIPTORS.get(s.toLowerCase(Locale.ROOT));
            if (d == null) {
                throw new IllegalArgumentException("unrecognized descriptor: " + s);
            }
            s = d;
        }
        String[] f = s.split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("expected exactly 5 fields, found " + f.length + ": " + s);
        }
        BitSet dows = field(f[4], 0, 7, DAYS);
        if (dows.get(7)) {
            dows.set(0); // 7 is Sunday too
            dows.clear(7);
        }
        return new Schedule(field(f[0], 0, 59, null), field(f[1], 0, 23, null), field(f[2], 1, 31, null),
                field(f[3], 1, 12, MONTHS), dows, star(f[2]), star(f[4]), zone);
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone " + id);
        }
    }

    private static boolean star(String f) {
        return f.startsWith("*") || f.startsWith("?");
    }

    private static BitSet field(String field, int min, int max, List<String> names) {
        BitSet bits = new BitSet();
        for (String part : field.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), 1, Integer.MAX_VALUE, null, part);
                range = part.substring(0, slash);
            }
            int lo;
            int hi;
            if (range.equals("*") || range.equals("?")) {
                lo = min;
                hi = max;
            } else {
                int dash = range.indexOf('-');
                lo = number(dash < 0 ? range : range.substring(0, dash), min, max, names, part);
                hi = dash < 0 ? (slash >= 0 ? max : lo) : number(range.substring(dash + 1), min, max, names, part);
                if (hi < lo) {
                    throw new IllegalArgumentException("beginning of range (" + lo + ") beyond end of range ("
                            + hi + "): " + part);
                }
            }
            for (int i = lo; i <= hi; i += step) {
                bits.set(i);
            }
        }
        return bits;
    }

    private static int number(String s, int min, int max, List<String> names, String part) {
        int v;
        if (names != null && names.contains(s.toLowerCase(Locale.ROOT))) {
            v = names.indexOf(s.toLowerCase(Locale.ROOT)) + (names == MONTHS ? 1 : 0);
        } else {
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("failed to parse int from " + s + ": " + part);
            }
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("value (" + v + ") out of range [" + min + ", " + max + "]: " + part);
        }
        return v;
    }

    /** The first activation strictly after {@code after}; null if none within five years. */
    public Instant next(Instant after) {
        ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(MAX_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            return t.toInstant();
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = doms.get(t.getDayOfMonth());
        boolean dow = dows.get(t.getDayOfWeek().getValue() % 7);
        if (domStar || dowStar) {
            return dom && dow;
        }
        return dom || dow;
    }
}
