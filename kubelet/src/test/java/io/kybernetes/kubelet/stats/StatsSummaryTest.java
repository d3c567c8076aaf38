package io.kybernetes.kubelet.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsSummaryTest {

    @ParameterizedTest
    @CsvSource({
            // prevTime, prevCore, time, core, expected nano cores
            "0,          0,         1000000000, 500000000, 500000000",
            "1000000000, 500000000, 3000000000, 2500000000, 1000000000",
            "1000000000, 500000000, 1000000000, 900000000, 0",
            "1000000000, 900000000, 2000000000, 100000000, 0",
    })
    void nanoCoresFromCumulativeSamples(long pt, long pc, long t, long c, long expected) {
        assertEquals(expected, StatsSummary.rate(new StatsSummary.Sample(pt, pc), new StatsSummary.Sample(t, c)));
    }

    @Test
    void firstSampleHasNoRate() {
        assertEquals(0, StatsSummary.rate(null, new StatsSummary.Sample(1, 1)));
    }

    @Test
    void procFiles() {
        // user nice system idle iowait irq softirq steal
        assertEquals((10 + 2 + 5 + 1 + 1 + 1) * 10_000_000L,
                StatsSummary.nodeCpuNanos("cpu  10 2 5 100 7 1 1 1 0 0\ncpu0 1 1 1 1 1 1 1 1\n"));
        var m = StatsSummary.meminfo("MemTotal:       16384 kB\nMemAvailable:    4096 kB\nHugePages_Total:       0\n");
        assertEquals(16384L, m.get("MemTotal"));
        assertEquals(4096L, m.get("MemAvailable"));
        assertEquals(0L, m.get("HugePages_Total"));
    }
}
