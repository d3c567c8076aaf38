package io.kybernetes.apiserver.metrics;

/**
 * Canonical resource.Quantity strings for the figures the metrics API serves: CPU in nano cores (decimal SI,
 * scale -9, as metrics-server builds it) and memory in bytes (binary SI).
 */
final class Quantities {

    private static final String[] DECIMAL = {"n", "u", "m", ""};
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {
    }

    /** {@code 250000000} nano cores is "250m", {@code 1234567} is "1234567n", {@code 2000000000} is "2". */
    static String cpu(long nanoCores) {
        if (nanoCores == 0) {
            return "0";
        }
        int i = 0;
        long v = nanoCores;
        while (i < DECIMAL.length - 1 && v % 1000 == 0) {
            v /= 1000;
            i++;
        }
        return v + DECIMAL[i];
    }

    /** {@code 1048576} bytes is "1Mi", {@code 4096000} is "4000Ki", a count not divisible by 1024 stays bytes. */
    static String memory(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        int i = 0;
        long v = bytes;
        while (i < BINARY.length - 1 && v % 1024 == 0) {
            v /= 1024;
            i++;
        }
        return v + BINARY[i];
    }

    /** A Go time.Duration string as metav1.Duration serializes it: "15s", "15.003s", "1m0.5s". */
    static String duration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long h = nanos / 3_600_000_000_000L;
        long rest = nanos % 3_600_000_000_000L;
        long m = rest / 60_000_000_000L;
        rest %= 60_000_000_000L;
        if (h > 0) {
            b.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            b.append(m).append('m');
        }
        long s = rest / 1_000_000_000L;
        long frac = rest % 1_000_000_000L;
        b.append(s);
        if (frac > 0) {
            String f = String.format("%09d", frac).replaceAll("0+$", "");
            b.append('.').append(f);
        }
        return b.append('s').toString();
    }
}
