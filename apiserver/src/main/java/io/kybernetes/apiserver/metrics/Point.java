package io.kybernetes.apiserver.metrics;

/**
 * One scraped sample: when the CPU counter was read (Unix nanoseconds), the cumulative CPU time in core
 * nanoseconds, and the memory working set in bytes at that moment.
 */
record Point(long timeNanos, long cpuCoreNanos, long workingSetBytes) {
}
