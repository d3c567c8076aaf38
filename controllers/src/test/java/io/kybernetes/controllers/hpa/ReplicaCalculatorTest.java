package io.kybernetes.controllers.hpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaCalculatorTest {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    static final ReplicaCalculator CALC = new ReplicaCalculator(0.1);

    /**
     * Pods are written "usage/request" (milli cores) with a prefix for their state: "" ready and running long,
     * "pending:", "unready:" (not Ready), "young:" (started 1 min ago, ready since before the window), "fresh:"
     * (started 1 min ago, ready 5 s ago: the sample predates readiness + window), "deleting:", "failed:";
     * "-" as usage: no metrics.
     */
    static List<PodSample> pods(String spec) {
        List<PodSample> out = new ArrayList<>();
        int i = 0;
        for (String p : spec.split(" ")) {
            String state = p.contains(":") ? p.substring(0, p.indexOf(':')) : "";
            String[] f = p.substring(p.indexOf(':') + 1).split("/");
            Long usage = f[0].equals("-") ? null : Long.parseLong(f[0]);
            Long request = f[1].equals("-") ? null : Long.parseLong(f[1]);
            Instant start = state.equals("young") || state.equals("fresh") ? NOW.minusSeconds(60) : NOW.minusSeconds(3600);
            Instant readySince = state.equals("fresh") ? NOW.minusSeconds(5) : start.plusSeconds(2);
            Boolean ready = state.equals("unready") || state.equals("pending") ? Boolean.FALSE : Boolean.TRUE;
            out.add(new PodSample("p" + i++, state.equals("pending") ? "Pending" : state.equals("failed") ? "Failed"
                    : "Running", state.equals("deleting"), start, ready, readySince, request, usage, NOW, 15));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // name | current | target % | pods | desired | utilization (-1: error)
            "scale up 180% of 50% | 1 | 50 | 180/100 | 4 | 180",
            "scale up over three pods | 3 | 50 | 90/100 90/100 90/100 | 6 | 90",
            "within tolerance stays | 2 | 50 | 54/100 54/100 | 2 | 54",
            "just outside tolerance | 2 | 50 | 56/100 56/100 | 3 | 56",
            "scale down | 4 | 50 | 10/100 10/100 10/100 10/100 | 1 | 10",
            "deleting and failed pods ignored | 2 | 50 | 100/100 deleting:500/100 failed:500/100 | 2 | 100",
            "pending pod counts as 0 on scale-up | 2 | 50 | 150/100 pending:-/100 | 3 | 150",
            "unready pod counts as 0 on scale-up | 2 | 50 | 150/100 unready:300/100 | 3 | 150",
            "unready pod ignored on scale-down | 2 | 50 | 10/100 unready:300/100 | 1 | 10",
            "fresh pod's sample not used for cpu | 2 | 50 | 150/100 fresh:300/100 | 3 | 150",
            "young pod ready long enough counts | 2 | 50 | 150/100 young:150/100 | 6 | 150",
            "missing metrics count as 0 on scale-up | 2 | 50 | 200/100 -/100 | 4 | 200",
            "missing metrics count as request on scale-down | 3 | 50 | 10/100 10/100 -/100 | 3 | 10",
            "missing metrics flipping direction keep current | 2 | 50 | 60/100 -/100 | 2 | 60",
            "missing request is an error | 1 | 50 | 100/- | 0 | -1",
            "no metrics at all is an error | 2 | 50 | -/100 -/100 | 0 | -1",
            "only unready pods is an error | 2 | 50 | unready:100/100 | 0 | -1",
    })
    void utilization(String name, int current, int target, String pods, int desired, int utilization) {
        ReplicaCalculator.Result r = CALC.utilization(current, target, true, pods(pods), NOW);
        if (utilization < 0) {
            assertNotNull(r.error(), name);
            return;
        }
        assertNull(r.error(), name);
        assertEquals(desired, r.replicas(), name);
        assertEquals(utilization, r.utilization(), name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // name | current | target (milli) | pods | desired | average
            "memory average value up | 2 | 100000 | 200000/- 200000/- | 4 | 200000",
            "within tolerance | 2 | 100000 | 105000/- 95000/- | 2 | 100000",
            "down | 4 | 100000 | 20000/- 20000/- 20000/- 20000/- | 1 | 20000",
            "unready not excluded for memory | 2 | 100000 | 200000/- unready:200000/- | 4 | 200000",
            "missing counts as target on scale-down | 3 | 100000 | 10000/- 10000/- -/- | 2 | 10000",
    })
    void averageValue(String name, int current, long target, String pods, int desired, long average) {
        ReplicaCalculator.Result r = CALC.averageValue(current, target, false, pods(pods), NOW);
        assertNull(r.error(), name);
        assertEquals(desired, r.replicas(), name);
        assertEquals(average, r.averageMilli(), name);
    }
}
