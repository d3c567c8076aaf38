package io.kybernetes.apiserver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;

class MetricsStorageTest {

    static final long S = 1_000_000_000L;

    @ParameterizedTest
    @CsvSource({
            "0, 0", "1, 1n", "1000, 1u", "250000000, 250m", "1234567, 1234567n", "2000000000, 2", "1500000000, 1500m",
    })
    void cpuQuantities(long nanoCores, String expected) {
        assertEquals(expected, Quantities.cpu(nanoCores));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1000, 1000", "1024, 1Ki", "4096000, 4000Ki", "1048576, 1Mi", "3221225472, 3Gi"})
    void memoryQuantities(long bytes, String expected) {
        assertEquals(expected, Quantities.memory(bytes));
    }

    @ParameterizedTest
    @CsvSource({"15000000000, 15s", "15003000000, 15.003s", "60500000000, 1m0.5s", "1, 0.000000001s",
            "3600000000000, 1h0m0s"})
    void windows(long nanos, String expected) {
        assertEquals(expected, Quantities.duration(nanos));
    }

    @ParameterizedTest
    @CsvSource({
            // prevTime, prevCpu, time, cpu, nanoCores (-1: no usage)
            "10, 0, 25, 15000000000, 1000000000",
            "10, 1000000000, 20, 6000000000, 500000000",
            "10, 5000000000, 10, 6000000000, -1", // same time
            "10, 5000000000, 20, 1000000000, -1", // counter reset (restart)
    })
    void rates(long pt, long pc, long t, long c, long expected) {
        Usage u = Usage.between(new Point(pt * S, pc, 0), new Point(t * S, c, 7));
        if (expected < 0) {
            assertNull(u);
        } else {
            assertEquals(expected, u.nanoCores());
            assertEquals((t - pt) * S, u.windowNanos());
            assertEquals(t * S, u.timeNanos());
            assertEquals(7, u.workingSetBytes());
        }
    }

    static Summary summary(String node, long t, long nodeCpu, Map<String, long[]> containers) {
        Map<String, Summary.Pod> pods = new LinkedHashMap<>();
        containers.forEach((k, v) -> {
            String[] f = k.split("/");
            pods.computeIfAbsent(f[0] + "/" + f[1], x -> new Summary.Pod(f[0], f[1], "uid-" + f[1],
                    new LinkedHashMap<>())).containers().put(f[2], new Point(t * S, v[0], v[1]));
        });
        return new Summary(node, new Point(t * S, nodeCpu, 100), pods);
    }

    @Test
    void aPodHasMetricsFromItsSecondScrapeWhenEveryContainerHasARate() {
        MetricsStorage m = new MetricsStorage();
        m.store(summary("n1", 0, 0, Map.of("ns/a/c1", new long[] {0, 10})));
        assertTrue(m.pod("ns", "a").isEmpty());
        assertTrue(m.node("n1").isEmpty());
        m.store(summary("n1", 15, 15 * S, Map.of("ns/a/c1", new long[] {3 * S, 20}, "ns/a/c2", new long[] {S, 5})));
        assertTrue(m.pod("ns", "a").isEmpty(), "c2 has one sample only");
        assertEquals(S, m.node("n1").orElseThrow().nanoCores());
        m.store(summary("n1", 30, 30 * S, Map.of("ns/a/c1", new long[] {6 * S, 30}, "ns/a/c2", new long[] {4 * S, 6})));
        var pod = m.pod("ns", "a").orElseThrow();
        assertEquals(2, pod.containers().size());
        assertEquals(200_000_000L, pod.containers().get(0).usage().nanoCores());
        assertEquals(30, pod.containers().get(0).usage().workingSetBytes());
        assertEquals(200_000_000L, pod.containers().get(1).usage().nanoCores());
        assertEquals(15 * S, pod.windowNanos());
        // the pod is gone from the node's next scrape: forgotten
        m.store(summary("n1", 45, 45 * S, Map.of()));
        assertTrue(m.pod("ns", "a").isEmpty());
    }

    @Test
    void nodesThatLeaveOrFailAreForgotten() {
        MetricsStorage m = new MetricsStorage();
        for (long t : new long[] {0, 15}) {
            m.store(summary("n1", t, t * S, Map.of("ns/a/c", new long[] {t * S, 1})));
            m.store(summary("n2", t, t * S, Map.of("ns/b/c", new long[] {t * S, 1})));
        }
        assertTrue(m.pod("ns", "a").isPresent());
        m.retainNodes(Set.of("n2"));
        assertTrue(m.node("n1").isEmpty());
        assertTrue(m.pod("ns", "a").isEmpty());
        assertTrue(m.pod("ns", "b").isPresent());
        m.forget("n2");
        assertTrue(m.pod("ns", "b").isEmpty());
    }

    @Test
    void theSameReadingTwiceKeepsTheRate() {
        MetricsStorage m = new MetricsStorage();
        m.store(summary("n1", 0, 0, Map.of()));
        m.store(summary("n1", 10, 5 * S, Map.of()));
        m.store(summary("n1", 10, 5 * S, Map.of()));
        assertEquals(S / 2, m.node("n1").orElseThrow().nanoCores());
    }

    @Test
    void parsesTheKubeletSummary() throws Exception {
        JsonNode json = Json.parse(("{\"node\":{\"nodeName\":\"n1\",\"cpu\":{\"time\":\"2026-01-01T00:00:10.5Z\","
                + "\"usageCoreNanoSeconds\":42},\"memory\":{\"workingSetBytes\":2048}},\"pods\":[{\"podRef\":"
                + "{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\"},\"containers\":["
                + "{\"name\":\"c\",\"cpu\":{\"time\":\"2026-01-01T00:00:09Z\",\"usageCoreNanoSeconds\":7},"
                + "\"memory\":{\"workingSetBytes\":1024}},"
                + "{\"name\":\"c\",\"cpu\":{\"time\":\"1970-01-01T00:00:00Z\",\"usageCoreNanoSeconds\":0}},"
                + "{\"name\":\"gone\"}]}]}").getBytes());
        Summary s = Summary.parse("n1", json);
        assertEquals(42, s.nodePoint().cpuCoreNanos());
        assertEquals(2048, s.nodePoint().workingSetBytes());
        assertEquals(java.time.Instant.parse("2026-01-01T00:00:10.5Z").getEpochSecond() * S + 500_000_000L,
                s.nodePoint().timeNanos());
        Summary.Pod p = s.pods().get("ns/p");
        assertEquals("u", p.uid());
        assertEquals(Set.of("c"), p.containers().keySet());
        assertEquals(7, p.containers().get("c").cpuCoreNanos());
        assertEquals(1024, p.containers().get("c").workingSetBytes());
    }
}
