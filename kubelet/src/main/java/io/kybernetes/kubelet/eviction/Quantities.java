package io.kybernetes.kubelet.eviction;

/** Byte counts written as upstream's binary-SI quantities print them: the largest exact Ki/Mi/Gi/Ti/Pi/Ei unit. */
public final class Quantities {

    private static final String[] SUFFIXES = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {
    }

    public static String render(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        long v = bytes;
        int unit = -1;
        while (unit + 1 < SUFFIXES.length && v % 1024 == 0) {
            v /= 1024;
            unit++;
        }
        return unit < 0 ? Long.toString(bytes) : v + SUFFIXES[unit];
    }
}
