package io.kybernetes.apiserver.metrics;

/**
 * A usage figure as the metrics API serves it: the CPU rate in nano cores over {@code windowNanos} ending at
 * {@code timeNanos}, and the memory working set at {@code timeNanos}.
 */
record Usage(long timeNanos, long windowNanos, long nanoCores, long workingSetBytes) {

    /** The rate between two samples of one counter; null when they cannot give one (same time, counter reset). */
    static Usage between(Point prev, Point last) {
        if (prev == null || last == null || last.timeNanos() <= prev.timeNanos()
                || last.cpuCoreNanos() < prev.cpuCoreNanos()) {
            return null;
        }
        long window = last.timeNanos() - prev.timeNanos();
        long rate = (long) ((double) (last.cpuCoreNanos() - prev.cpuCoreNanos()) * 1e9 / window);
        return new Usage(last.timeNanos(), window, rate, last.workingSetBytes());
    }
}
