package io.kybernetes.controllers.job;

import java.util.TreeSet;

/** The compressed index list of status.completedIndexes: sorted, ranges collapsed, e.g. "1,3-5,7". */
public final class Indexes {

    private Indexes() {
    }

    /** Parses a list; indexes outside [0, completions) and malformed parts are dropped. */
    public static TreeSet<Integer> parse(String s, int completions) {
        TreeSet<Integer> out = new TreeSet<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        for (String part : s.split(",")) {
            try {
                int dash = part.indexOf('-');
                int lo = Integer.parseInt((dash < 0 ? part : part.substring(0, dash)).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(part.substring(dash + 1).trim());
                for (int i = Math.max(lo, 0); i <= hi && i < completions; i++) {
                    out.add(i);
                }
            } catch (NumberFormatException e) {
                // skip
            }
        }
        return out;
    }

    public static String format(TreeSet<Integer> set) {
        StringBuilder b = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int i : set) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            append(b, start, prev);
            start = i;
            prev = i;
        }
        append(b, start, prev);
        return b.toString();
    }

    private static void append(StringBuilder b, Integer start, Integer end) {
        if (start == null) {
            return;
        }
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(start);
        if (end > start) {
            b.append('-').append(end);
        }
    }
}
