package io.kybernetes.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsTest {

    @Test
    void defaultsAreUpstreams() {
        List<Threshold> t = Thresholds.parse(Thresholds.DEFAULT_HARD, "", "", "");
        assertEquals("[memory.available<100Mi, nodefs.available<10.0%, imagefs.available<15.0%, nodefs.inodesFree<5.0%]",
                t.toString());
        assertTrue(t.stream().allMatch(Threshold::hard));
        assertEquals(100L << 20, t.get(0).amount(1L << 40));
        assertEquals(10, t.get(1).amount(100));
    }

    @ParameterizedTest(name = "{0} on capacity {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "memory.available<100Mi | 0          | 104857600",
            "memory.available<1Gi   | 0          | 1073741824",
            "memory.available<500M  | 0          | 500000000",
            "memory.available<10%   | 8000000000 | 800000000",
            "nodefs.available<12.5% | 1000       | 125",
            "nodefs.inodesFree<5000 | 0          | 5000",
            "pid.available<1k       | 0          | 1000",
    })
    void quantitiesAndPercentages(String statement, long capacity, long expected) {
        List<Threshold> t = Thresholds.parse(statement, "", "", "");
        assertEquals(1, t.size());
        assertEquals(expected, t.get(0).amount(capacity));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // hard | soft | grace | min-reclaim | expected error fragment
            "memory.available>100Mi   |                        |                         |  | unsupported operator",
            "memory.free<100Mi        |                        |                         |  | unsupported eviction signal memory.free",
            "memory.available         |                        |                         |  | invalid eviction threshold syntax",
            "memory.available<-1Mi    |                        |                         |  | must be positive",
            "nodefs.available<120%    |                        |                         |  | must be >= 0% and <= 100%",
            "nodefs.available<abc     |                        |                         |  | invalid quantity",
            "memory.available<1Mi,memory.available<2Mi | |                                |  | duplicate",
            "                         | memory.available<300Mi |                         |  | grace period must be specified for the soft eviction threshold memory.available",
            "                         | memory.available<300Mi | memory.available=soon   |  | invalid duration",
            "                         |                        | memory.available        |  | expected signal=value",
    })
    void badFlagsAreClearErrors(String hard, String soft, String grace, String reclaim, String error) {
        var e = assertThrows(IllegalArgumentException.class, () -> Thresholds.parse(hard, soft, grace, reclaim));
        assertTrue(e.getMessage().contains(error), e.getMessage());
    }

    @Test
    void softThresholdsCarryGracePeriodsAndMinReclaim() {
        List<Threshold> t = Thresholds.parse("memory.available<100Mi", "memory.available<300Mi,nodefs.available<15%",
                "memory.available=1m30s,nodefs.available=2m", "memory.available=50Mi");
        assertEquals(3, t.size());
        assertTrue(t.get(0).hard());
        assertEquals(50L << 20, t.get(0).minReclaim().of(0));
        assertEquals(Duration.ofSeconds(90), t.get(1).gracePeriod());
        assertEquals(Duration.ofMinutes(2), t.get(2).gracePeriod());
        assertEquals(null, t.get(2).minReclaim());
    }

    @Test
    void zeroTurnsASignalOff() {
        assertEquals(List.of(), Thresholds.parse("memory.available<0,nodefs.available<0%", "", "", ""));
    }

    @ParameterizedTest
    @CsvSource({"5m, 300000", "1m30s, 90000", "10s, 10000", "1.5h, 5400000", "250ms, 250", "0, 0"})
    void goDurations(String text, long millis) {
        assertEquals(millis, Thresholds.goDuration(text).toMillis());
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1024, 1Ki", "1536, 1536", "104857600, 100Mi", "90243072, 88128Ki", "1073741824, 1Gi"})
    void quantitiesRenderAsBinarySI(long bytes, String text) {
        assertEquals(text, Quantities.render(bytes));
    }
}
