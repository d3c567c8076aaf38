package io.kybernetes.store.bench;

import java.util.Arrays;
import java.util.List;

/** Latency samples (nanoseconds) of one thread; merged after a load for percentiles. Not thread-safe. */
final class Latencies {

    private long[] samples = new long[1024];
    private int size;

    void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    int size() {
        return size;
    }

    static Latencies merge(List<Latencies> parts) {
        Latencies all = new Latencies();
        all.samples = new long[Math.max(1, parts.stream().mapToInt(Latencies::size).sum())];
        for (Latencies p : parts) {
            System.arraycopy(p.samples, 0, all.samples, all.size, p.size);
            all.size += p.size;
        }
        Arrays.sort(all.samples, 0, all.size);
        return all;
    }

    /** Percentile in milliseconds of a merged (sorted) set; NaN when empty. */
    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * size) - 1;
        return samples[Math.max(0, Math.min(size - 1, i))] / 1e6;
    }
}
