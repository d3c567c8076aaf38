package io.kybernetes.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;

class EvictionManagerTest {

    static final long MI = 1L << 20;
    static final long GI = 1L << 30;
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    /** A stats source the test sets directly. */
    static final class FakeStats implements StatsSource {
        final Map<Signal, Observation> node = new EnumMap<>(Signal.class);
        final Map<String, PodUsage> pods = new HashMap<>();

        FakeStats healthy() {
            node.put(Signal.MEMORY_AVAILABLE, new Observation(8 * GI, 16 * GI));
            node.put(Signal.NODEFS_AVAILABLE, new Observation(50 * GI, 100 * GI));
            node.put(Signal.NODEFS_INODES_FREE, new Observation(500_000, 1_000_000));
            node.put(Signal.IMAGEFS_AVAILABLE, new Observation(50 * GI, 100 * GI));
            node.put(Signal.PID_AVAILABLE, new Observation(30_000, 32_768));
            return this;
        }

        @Override
        public Map<Signal, Observation> node() {
            return node;
        }

        @Override
        public Map<String, PodUsage> pods(List<Pod> list) {
            return pods;
        }
    }

    record Killed(String pod, long grace, String message, boolean disruption) {
    }

    final FakeStats stats = new FakeStats().healthy();
    final List<Pod> pods = new ArrayList<>();
    final List<Killed> killed = new ArrayList<>();

    EvictionManager manager(String hard, String soft, String grace, String reclaim, Duration transition) {
        return new EvictionManager(new EvictionManager.Config(Thresholds.parse(hard, soft, grace, reclaim), transition,
                30), stats, () -> List.copyOf(pods),
                (pod, g, message, disruption) -> killed.add(new Killed(pod.getMetadata().getName(), g, message,
                        disruption)));
    }

    EvictionManager defaults() {
        return manager(Thresholds.DEFAULT_HARD, "", "", "", Duration.ofMinutes(5));
    }

    static PodBuilder pod(String name, String memRequest, String memLimit) {
        var c = new ContainerBuilder().withName("c").withImage("busybox");
        if (memRequest != null) {
            c.editOrNewResources().addToRequests("memory", new Quantity(memRequest)).endResources();
        }
        if (memLimit != null) {
            c.editOrNewResources().addToLimits("memory", new Quantity(memLimit)).endResources();
        }
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
                .endMetadata().withNewSpec().withContainers(c.build()).endSpec();
    }

    void use(String name, long memory) {
        stats.pods.put("uid-" + name, new PodUsage(Map.of("c", new PodUsage.ContainerUsage(memory, 0L, 0, 0, 0)),
                Map.of(), null));
    }

    @ParameterizedTest(name = "mem {0}Mi, disk {1}%, inodes {2}% -> {3} {4}")
    @CsvSource({
            // memory available MiB, nodefs available %, inodes free % | MemoryPressure, DiskPressure
            "2048, 50, 50, false, false",
            "99,   50, 50, true,  false",
            "100,  50, 50, false, false",
            "2048,  9, 50, false, true",
            "2048, 10, 50, false, false",
            "2048, 50,  4, false, true",
    })
    void conditionsFollowTheDefaultHardThresholds(long memMi, long diskPercent, long inodePercent, boolean memory,
                                                  boolean disk) {
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(memMi * MI, 16 * GI));
        stats.node.put(Signal.NODEFS_AVAILABLE, new Observation(diskPercent, 100));
        stats.node.put(Signal.NODEFS_INODES_FREE, new Observation(inodePercent, 100));
        EvictionManager m = defaults();
        m.synchronize(T0);
        assertEquals(memory, m.pressure().memory());
        assertEquals(disk, m.pressure().disk());
        assertFalse(m.pressure().pid(), "no pid.available threshold by default");
    }

    @Test
    void conditionStaysForTheTransitionPeriod() {
        EvictionManager m = manager("memory.available<1Gi", "", "", "", Duration.ofMinutes(5));
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(GI / 2, 16 * GI));
        m.synchronize(T0);
        assertTrue(m.pressure().memory());
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(8 * GI, 16 * GI));
        m.synchronize(T0.plusSeconds(10));
        assertTrue(m.pressure().memory(), "still within the transition period");
        m.synchronize(T0.plusSeconds(299));
        assertTrue(m.pressure().memory());
        m.synchronize(T0.plusSeconds(301));
        assertFalse(m.pressure().memory());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case | pods: name:request:limit:usageMi:priority ... | expected order
            "BestEffort before Burstable before Guaranteed | guaranteed:256Mi:256Mi:200:0 burstable:64Mi::150:0 besteffort:::100:0 | besteffort burstable guaranteed",
            "over requests before lower priority            | low:512Mi::100:0 over:64Mi::200:1000                              | over low",
            "among those over requests: lower priority      | a:::100:1000 b:::50:0                                             | b a",
            "same priority: larger usage above requests     | small:::100:0 big:::300:0 mid:100Mi::350:0                        | big mid small",
    })
    void memoryRanking(String name, String spec, String expected) {
        List<Pod> list = new ArrayList<>();
        Map<String, PodUsage> usage = new HashMap<>();
        for (String p : spec.trim().split("\\s+")) {
            String[] f = p.split(":", -1);
            list.add(pod(f[0], f[1].isEmpty() ? null : f[1], f[2].isEmpty() ? null : f[2])
                    .editSpec().withPriority(Integer.parseInt(f[4])).endSpec().build());
            usage.put("uid-" + f[0], new PodUsage(Map.of("c", new PodUsage.ContainerUsage(Long.parseLong(f[3]) * MI,
                    0L, 0, 0, 0)), Map.of(), null));
        }
        assertEquals(expected, String.join(" ", Ranking.rank("memory", list, usage).stream()
                .map(p -> p.getMetadata().getName()).toList()));
    }

    @Test
    void diskRankingCountsWritableLayerLogsAndEmptyDirs() {
        Pod quiet = pod("quiet", null, null).build();
        Pod writer = pod("writer", null, null).build();
        Pod logger = pod("logger", null, null).build();
        Map<String, PodUsage> usage = Map.of(
                "uid-quiet", new PodUsage(Map.of("c", new PodUsage.ContainerUsage(0, 1 * MI, 1, 0, 0)), Map.of(), null),
                "uid-writer", new PodUsage(Map.of("c", new PodUsage.ContainerUsage(0, 0L, 1, 0, 0)),
                        Map.of("v", new PodUsage.VolumeUsage(50 * MI, 3, false)), null),
                "uid-logger", new PodUsage(Map.of("c", new PodUsage.ContainerUsage(0, 0L, 1, 20 * MI, 2)), Map.of(),
                        null));
        assertEquals(List.of("writer", "logger", "quiet"), Ranking.rank("ephemeral-storage",
                List.of(quiet, writer, logger), usage).stream().map(p -> p.getMetadata().getName()).toList());
    }

    @Test
    void hardMemoryPressureEvictsOnePodPerIntervalWithUpstreamsMessage() {
        pods.add(pod("guaranteed", "256Mi", "256Mi").build());
        pods.add(pod("hog", null, null).build());
        use("guaranteed", 200 * MI);
        use("hog", 1520496L * 1024);
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(88124L * 1024, 16 * GI));
        EvictionManager m = defaults();
        var evicted = m.synchronize(T0);
        assertEquals(1, evicted.size());
        assertEquals(List.of(new Killed("hog", 0, "The node was low on resource: memory. Threshold quantity: 100Mi, "
                + "available: 88124Ki. Container c was using 1520496Ki, request is 0, has larger consumption of "
                + "memory. ", true)), killed);
        assertTrue(m.pressure().memory());
    }

    @Test
    void criticalAndStaticPodsAreNotEvicted() {
        pods.add(pod("critical", null, null).editSpec().withPriority(2_000_001_000).endSpec().build());
        pods.add(pod("static", null, null).editMetadata()
                .addToAnnotations("kubernetes.io/config.mirror", "abc")
                .addToAnnotations("kubernetes.io/config.source", "file").endMetadata().build());
        pods.add(pod("ordinary", "1Gi", "1Gi").build());
        use("critical", 900 * MI);
        use("static", 800 * MI);
        use("ordinary", 10 * MI);
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(10 * MI, 16 * GI));
        defaults().synchronize(T0);
        assertEquals(List.of("ordinary"), killed.stream().map(Killed::pod).toList());
    }

    @Test
    void softThresholdWaitsForItsGracePeriodAndUsesTheMaxPodGracePeriod() {
        pods.add(pod("a", null, null).build());
        use("a", 100 * MI);
        EvictionManager m = manager("memory.available<100Mi", "memory.available<1Gi", "memory.available=1m", "",
                Duration.ofMinutes(5));
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(512 * MI, 16 * GI));
        m.synchronize(T0);
        assertTrue(m.pressure().memory(), "the condition does not wait for the grace period");
        assertEquals(List.of(), killed);
        m.synchronize(T0.plusSeconds(30));
        assertEquals(List.of(), killed);
        m.synchronize(T0.plusSeconds(60));
        assertEquals(1, killed.size());
        assertEquals(30, killed.get(0).grace());
    }

    @Test
    void softThresholdRecoveringInsideItsGracePeriodStartsOver() {
        pods.add(pod("a", null, null).build());
        use("a", 100 * MI);
        EvictionManager m = manager("memory.available<1Mi", "memory.available<1Gi", "memory.available=1m", "",
                Duration.ofMinutes(5));
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(512 * MI, 16 * GI));
        m.synchronize(T0);
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(2 * GI, 16 * GI));
        m.synchronize(T0.plusSeconds(30));
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(512 * MI, 16 * GI));
        m.synchronize(T0.plusSeconds(70));
        assertEquals(List.of(), killed);
        m.synchronize(T0.plusSeconds(130));
        assertEquals(1, killed.size());
    }

    @Test
    void minimumReclaimKeepsThePressureUntilRecoveredPastIt() {
        EvictionManager m = manager("memory.available<1Gi", "", "", "memory.available=500Mi", Duration.ZERO);
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(GI - 1, 16 * GI));
        m.synchronize(T0);
        assertTrue(m.pressure().memory());
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(GI + 100 * MI, 16 * GI));
        m.synchronize(T0.plusSeconds(10));
        assertTrue(m.pressure().memory(), "above the threshold but not past the minimum reclaim");
        stats.node.put(Signal.MEMORY_AVAILABLE, new Observation(GI + 600 * MI, 16 * GI));
        m.synchronize(T0.plusSeconds(20));
        assertFalse(m.pressure().memory());
    }

    @Test
    void diskPressureMessageUsesThePercentageOfCapacity() {
        pods.add(pod("w", null, null).build());
        stats.pods.put("uid-w", new PodUsage(Map.of("c", new PodUsage.ContainerUsage(0, 3 * MI, 1, MI, 1)), Map.of(),
                null));
        stats.node.put(Signal.NODEFS_AVAILABLE, new Observation(5 * GI, 100 * GI));
        defaults().synchronize(T0);
        assertEquals("The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi. "
                + "Container c was using 4Mi, request is 0, has larger consumption of ephemeral-storage. ",
                killed.get(0).message());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "emptyDir over its sizeLimit | 1Mi |     | 4 | 0 | Usage of EmptyDir volume \"v\" exceeds the limit \"1Mi\". ",
            "emptyDir within sizeLimit   | 8Mi |     | 4 | 0 | ",
            "pod over its total limit    |     | 2Mi | 8 | 0 | Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. ",
            "writable layer over limit   |     | 2Mi | 0 | 3 | Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. ",
            "within the pod's limit      |     | 2Mi | 1 | 0 | ",
    })
    void localStorageLimitsEvictWithoutNodePressure(String name, String sizeLimit, String limit, long emptyDirMi,
                                                    long rootfsMi, String message) {
        var c = new ContainerBuilder().withName("c").withImage("busybox");
        if (limit != null) {
            c.editOrNewResources().addToLimits("ephemeral-storage", new Quantity(limit)).endResources();
        }
        var v = new VolumeBuilder().withName("v").withNewEmptyDir().endEmptyDir();
        if (sizeLimit != null) {
            v.editEmptyDir().withSizeLimit(new Quantity(sizeLimit)).endEmptyDir();
        }
        pods.add(new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("uid-p").endMetadata()
                .withNewSpec().withContainers(c.build()).withVolumes(v.build()).endSpec().build());
        stats.pods.put("uid-p", new PodUsage(Map.of("c", new PodUsage.ContainerUsage(MI, rootfsMi * MI, 1, 0, 0)),
                Map.of("v", new PodUsage.VolumeUsage(emptyDirMi * MI, 1, false)), null));
        EvictionManager m = defaults();
        m.synchronize(T0);
        if (message == null) {
            assertEquals(List.of(), killed);
        } else {
            assertEquals(List.of(new Killed("p", 0, message + " ", false)), killed); // the table trims the trailing space
        }
        assertFalse(m.pressure().disk());
    }

    @Test
    void containerLimitWhenThePodTotalIsNotExceeded() {
        var a = new ContainerBuilder().withName("a").withImage("busybox").withNewResources()
                .addToLimits("ephemeral-storage", new Quantity("1Mi")).endResources().build();
        var b = new ContainerBuilder().withName("b").withImage("busybox").withNewResources()
                .addToLimits("ephemeral-storage", new Quantity("10Mi")).endResources().build();
        pods.add(new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("uid-p").endMetadata()
                .withNewSpec().withContainers(a, b).endSpec().build());
        stats.pods.put("uid-p", new PodUsage(Map.of("a", new PodUsage.ContainerUsage(0, 2 * MI, 1, 0, 0),
                "b", new PodUsage.ContainerUsage(0, 0L, 1, 0, 0)), Map.of(), null));
        defaults().synchronize(T0);
        assertEquals("Container a exceeded its local ephemeral storage limit \"1Mi\". ", killed.get(0).message());
    }
}
