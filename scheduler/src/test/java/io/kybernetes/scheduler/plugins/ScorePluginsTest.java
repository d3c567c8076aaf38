package io.kybernetes.scheduler.plugins;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.NodeInfo;

class ScorePluginsTest {

    @ParameterizedTest(name = "pod {0}/{1} on node with {2}/{3} used -> {4}")
    @CsvSource({
        // pod cpu, pod mem, used cpu, used mem, expected: ((4000-cpu)*100/4000 + (8Gi-mem)*100/8Gi) / 2
        "1, 2Gi, 0, 0, 75",
        "2, 4Gi, 1, 2Gi, 25",
        "4, 8Gi, 0, 0, 0",
        "1, 8Gi, 3, 0, 0",
        "3, 9Gi, 0, 0, 12",
    })
    void leastAllocated(String cpu, String mem, String usedCpu, String usedMem, long expected) {
        var n = node("n", "4", "8Gi", 110);
        var existing = usedCpu.equals("0") ? List.<io.fabric8.kubernetes.api.model.Pod>of()
                : List.of(onNode(pod("o", usedCpu, usedMem), "n"));
        long s = new NodeResourcesLeastAllocated().score(new CycleState(), pod("p", cpu, mem),
                new NodeInfo(n, existing));
        assertEquals(expected, s);
    }

    @Test
    void podsWithoutRequestsCountAsDefaultRequests() {
        var n = node("n", "1", "1Gi", 110);
        // 100m of 1000m and 200Mi of 1024Mi: (90 + 80) / 2
        assertEquals(85, new NodeResourcesLeastAllocated().score(new CycleState(), pod("p", null, null),
                new NodeInfo(n, List.of())));
    }

    @Test
    void taintScoreIsNormalizedInReverse() {
        TaintToleration t = new TaintToleration();
        Map<String, Long> scores = new HashMap<>(Map.of("a", 0L, "b", 1L, "c", 2L));
        t.normalize(new CycleState(), pod("p", null, null), scores);
        assertEquals(Map.of("a", 100L, "b", 50L, "c", 0L), scores);
    }

    @Test
    void frameworkPicksTheEmptierNode() {
        Framework f = Profiles.defaults(new Random(1));
        var busy = new NodeInfo(node("busy", "4", "8Gi", 110), List.of(onNode(pod("o", "3", "6Gi"), "busy")));
        var idle = new NodeInfo(node("idle", "4", "8Gi", 110), List.of());
        assertEquals("idle", f.schedule(pod("p", "500m", "1Gi"), List.of(busy, idle)).node());
    }

    @Test
    void frameworkAvoidsPreferNoScheduleTaints() {
        Framework f = Profiles.defaults(new Random(1));
        var soft = new NodeInfo(new NodeBuilder(node("soft", "4", "8Gi", 110)).editSpec()
                .addToTaints(new TaintBuilder().withKey("k").withEffect("PreferNoSchedule").build()).endSpec()
                .build(), List.of());
        var plain = new NodeInfo(node("plain", "4", "8Gi", 110), List.of());
        for (int i = 0; i < 10; i++) {
            assertEquals("plain", f.schedule(pod("p", "1", "1Gi"), List.of(soft, plain)).node());
        }
    }

    @Test
    void tiesAreBrokenAtRandom() {
        Framework f = Profiles.defaults(new Random(7));
        var a = new NodeInfo(node("a", "4", "8Gi", 110), List.of());
        var b = new NodeInfo(node("b", "4", "8Gi", 110), List.of());
        var seen = new java.util.HashSet<String>();
        for (int i = 0; i < 50; i++) {
            seen.add(f.schedule(pod("p", "1", "1Gi"), List.of(a, b)).node());
        }
        assertEquals(2, seen.size());
    }

    @ParameterizedTest(name = "balanced: pod {0}/{1} on node with {2}/{3} used -> {4}")
    @CsvSource({
        // node 4 cpu / 8Gi; fractions after placing the pod; (1 - |fcpu - fmem| / 2) * 100
        "1, 2Gi, 0, 0, 100",
        "2, 1Gi, 0, 0, 81",
        "4, 0, 0, 0, 50",
        "1, 1Gi, 2, 6Gi, 93",
        "8, 1Gi, 0, 0, 56",
    })
    void balancedAllocation(String cpu, String mem, String usedCpu, String usedMem, long expected) {
        var n = node("n", "4", "8Gi", 110);
        var existing = usedCpu.equals("0") ? List.<io.fabric8.kubernetes.api.model.Pod>of()
                : List.of(onNode(pod("o", usedCpu, usedMem), "n"));
        long s = new NodeResourcesBalancedAllocation().score(new CycleState(),
                pod("p", cpu, mem.equals("0") ? null : mem), new NodeInfo(n, existing));
        assertEquals(expected, s);
    }

    static io.fabric8.kubernetes.api.model.Node withImages(String name, long size, String... images) {
        return new NodeBuilder(node(name, "4", "8Gi", 110)).editStatus().addNewImage().withNames(images)
                .withSizeBytes(size).endImage().endStatus().build();
    }

    @Test
    void imageLocalityScalesSizeBySpread() {
        long mb = 1024L * 1024;
        var a = new NodeInfo(withImages("a", 500 * mb, "docker.io/library/nginx:latest", "nginx:latest"),
                List.of());
        var b = new NodeInfo(withImages("b", 500 * mb, "other:1"), List.of());
        var c = new NodeInfo(node("c", "4", "8Gi", 110), List.of());
        var nodes = List.of(a, b, c);
        ImageLocality il = new ImageLocality();
        var p = new io.fabric8.kubernetes.api.model.PodBuilder(pod("p", null, null)).editSpec().editFirstContainer()
                .withImage("nginx").endContainer().endSpec().build();
        CycleState state = new CycleState(nodes);
        il.preScore(state, p, nodes);
        // 500 MiB present on 1 of 3 nodes: 166.67 MiB; (166.67 - 23) * 100 / (1000 - 23) = 14
        assertEquals(14, il.score(state, p, a));
        assertEquals(0, il.score(state, p, b));
        assertEquals(0, il.score(state, p, c));
        assertEquals("busybox:latest", ImageLocality.normalizedImageName("busybox"));
        assertEquals("localhost:5000/busybox:latest", ImageLocality.normalizedImageName("localhost:5000/busybox"));
        assertEquals("busybox:1.36", ImageLocality.normalizedImageName("busybox:1.36"));
    }

    @Test
    void nodeAffinityPreferredSumsWeightsAndNormalizes() {
        var pref = new io.fabric8.kubernetes.api.model.PodBuilder(pod("p", null, null)).editSpec().withNewAffinity()
                .withNewNodeAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(20).withNewPreference()
                .addNewMatchExpression().withKey("disk").withOperator("In").withValues("ssd").endMatchExpression()
                .endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(60).withNewPreference()
                .addNewMatchExpression().withKey("gpu").withOperator("Exists").endMatchExpression()
                .endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().endSpec().build();
        NodeAffinity na = new NodeAffinity();
        Map<String, Long> s = new HashMap<>();
        s.put("ssd", na.score(new CycleState(), pref, new NodeInfo(
                io.kybernetes.scheduler.Fixtures.labelledNode("ssd", "disk", "ssd"), List.of())));
        s.put("both", na.score(new CycleState(), pref, new NodeInfo(
                io.kybernetes.scheduler.Fixtures.labelledNode("both", "disk", "ssd", "gpu", "1"), List.of())));
        s.put("none", na.score(new CycleState(), pref, new NodeInfo(
                io.kybernetes.scheduler.Fixtures.labelledNode("none"), List.of())));
        assertEquals(Map.of("ssd", 20L, "both", 80L, "none", 0L), s);
        na.normalize(new CycleState(), pref, s);
        assertEquals(Map.of("ssd", 25L, "both", 100L, "none", 0L), s);
    }

    @Test
    void frameworkFollowsPreferredNodeAffinity() {
        Framework f = Profiles.defaults(new Random(3));
        var pref = new io.fabric8.kubernetes.api.model.PodBuilder(pod("p", null, null)).editSpec().withNewAffinity()
                .withNewNodeAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(50).withNewPreference()
                .addNewMatchExpression().withKey("disk").withOperator("In").withValues("ssd").endMatchExpression()
                .endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().endSpec().build();
        var ssd = new NodeInfo(io.kybernetes.scheduler.Fixtures.labelledNode("ssd", "disk", "ssd"), List.of());
        var hdd = new NodeInfo(io.kybernetes.scheduler.Fixtures.labelledNode("hdd", "disk", "hdd"), List.of());
        for (int i = 0; i < 5; i++) {
            assertEquals("ssd", f.schedule(pref, List.of(hdd, ssd)).node());
        }
    }

    @ParameterizedTest(name = "{0}: pod 1 cpu / 2Gi on a node with 2 cpu / 2Gi used -> {1}")
    @CsvSource(delimiter = '|', value = {
        // 4 cpu / 8Gi: after placing, cpu 3/4 and memory 4/8 requested
        "{} | 37",
        "{scoringStrategy: {type: LeastAllocated}} | 37",
        "{scoringStrategy: {type: MostAllocated}} | 62",
        "{scoringStrategy: {type: MostAllocated, resources: [{name: cpu, weight: 3}, {name: memory, weight: 1}]}} | 68",
    })
    void fitScoringStrategies(String args, long expected) throws Exception {
        var fit = NodeResourcesFit.fromArgs(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(args));
        var n = new NodeInfo(node("n", "4", "8Gi", 110), List.of(onNode(pod("o", "2", "2Gi"), "n")));
        long s = fit.score(new CycleState(), pod("p", "1", "2Gi"), n);
        // {} is the default strategy, LeastAllocated: ((4-3)*100/4 + (8-4)*100/8) / 2 = (25 + 50) / 2 = 37
        assertEquals(expected, s);
    }
}
