package io.kybernetes.scheduler.plugins;

import static io.kybernetes.scheduler.Fixtures.labelledNode;
import static io.kybernetes.scheduler.Fixtures.labelledPod;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;
import io.kybernetes.scheduler.framework.Status.Code;

class PodTopologySpreadTest {

    static final String HOST = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";
    static final List<Node> NODES = List.of(labelledNode("n1", ZONE, "a"), labelledNode("n2", ZONE, "a"),
            labelledNode("n3", ZONE, "b"), labelledNode("n4"));

    static TopologySpreadConstraintBuilder constraint(String key, int maxSkew, String when) {
        return new TopologySpreadConstraintBuilder().withTopologyKey(key).withMaxSkew(maxSkew)
                .withWhenUnsatisfiable(when)
                .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build());
    }

    static Pod spread(Pod p, TopologySpreadConstraint... cs) {
        return new PodBuilder(p).editSpec().withTopologySpreadConstraints(cs).endSpec().build();
    }

    static Pod web(String name) {
        return labelledPod(name, "app", "web");
    }

    static Pod terminating(Pod p) {
        return new PodBuilder(p).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
    }

    static List<NodeInfo> place(List<Pod> existing) {
        Map<String, List<Pod>> byNode = new HashMap<>();
        existing.forEach(p -> byNode.computeIfAbsent(p.getSpec().getNodeName(), k -> new ArrayList<>()).add(p));
        List<NodeInfo> out = new ArrayList<>();
        NODES.forEach(n -> out.add(new NodeInfo(n, byNode.getOrDefault(n.getMetadata().getName(), List.of()))));
        return out;
    }

    static Stream<Arguments> filterCases() {
        TopologySpreadConstraint zone1 = constraint(ZONE, 1, "DoNotSchedule").build();
        List<Pod> twoInA = List.of(onNode(web("w1"), "n1"), onNode(web("w2"), "n1"));
        List<Pod> oneEach = List.of(onNode(web("w1"), "n1"), onNode(web("w2"), "n3"));
        Pod inZoneA = new PodBuilder(spread(web("p"), zone1)).editSpec().withNodeSelector(Map.of(ZONE, "a"))
                .endSpec().build();
        return Stream.of(
                Arguments.of("zone: skew too big in the crowded zone", spread(web("p"), zone1), twoInA, "n1",
                        Code.UNSCHEDULABLE, PodTopologySpread.REASON),
                Arguments.of("zone: the empty zone fits", spread(web("p"), zone1), twoInA, "n3", Code.SUCCESS, null),
                Arguments.of("zone: node without the key", spread(web("p"), zone1), twoInA, "n4",
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, PodTopologySpread.MISSING_LABEL_REASON),
                Arguments.of("zone: balanced, skew 1 allowed", spread(web("p"), zone1), oneEach, "n2", Code.SUCCESS,
                        null),
                Arguments.of("minDomains above the domains makes the minimum 0",
                        spread(web("p"), constraint(ZONE, 1, "DoNotSchedule").withMinDomains(3).build()), oneEach,
                        "n2", Code.UNSCHEDULABLE, PodTopologySpread.REASON),
                Arguments.of("nodeAffinityPolicy Honor counts only zone a", inZoneA, twoInA, "n2", Code.SUCCESS,
                        null),
                Arguments.of("nodeAffinityPolicy Ignore counts zone b too",
                        new PodBuilder(spread(web("p"), constraint(ZONE, 1, "DoNotSchedule")
                                .withNodeAffinityPolicy("Ignore").build())).editSpec()
                                .withNodeSelector(Map.of(ZONE, "a")).endSpec().build(),
                        twoInA, "n2", Code.UNSCHEDULABLE, PodTopologySpread.REASON),
                Arguments.of("a pod outside its own selector does not count itself",
                        spread(labelledPod("p", "app", "other"), constraint(ZONE, 2, "DoNotSchedule").build()), twoInA,
                        "n1", Code.SUCCESS, null),
                Arguments.of("hostname: node with a matching pod", spread(web("p"), constraint(HOST, 1,
                        "DoNotSchedule").build()), List.of(onNode(web("w1"), "n1")), "n1", Code.UNSCHEDULABLE,
                        PodTopologySpread.REASON),
                Arguments.of("hostname: empty node", spread(web("p"), constraint(HOST, 1, "DoNotSchedule").build()),
                        List.of(onNode(web("w1"), "n1")), "n2", Code.SUCCESS, null),
                Arguments.of("terminating pods do not count", spread(web("p"), zone1),
                        List.of(onNode(terminating(web("w1")), "n1"), onNode(terminating(web("w2")), "n1")), "n1",
                        Code.SUCCESS, null),
                Arguments.of("matchLabelKeys narrows to the pod's version",
                        spread(labelledPod("p", "app", "web", "version", "v2"), constraint(ZONE, 1, "DoNotSchedule")
                                .withMatchLabelKeys("version").build()),
                        List.of(onNode(labelledPod("a", "app", "web", "version", "v1"), "n1"),
                                onNode(labelledPod("b", "app", "web", "version", "v1"), "n1")),
                        "n1", Code.SUCCESS, null),
                Arguments.of("ScheduleAnyway never filters",
                        spread(web("p"), constraint(ZONE, 1, "ScheduleAnyway").build()), twoInA, "n1", Code.SUCCESS,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(String name, Pod pod, List<Pod> existing, String node, Code code, String reason) {
        PodTopologySpread plugin = new PodTopologySpread(Listers.NONE);
        List<NodeInfo> nodes = place(existing);
        CycleState state = new CycleState(nodes);
        // success, or Skip (nothing to check): the Filter below still runs and must answer the same either way
        assertTrue(plugin.preFilter(state, pod).isSuccess(), name);
        NodeInfo target = nodes.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
        Status s = plugin.filter(state, pod, target);
        assertEquals(code, s.code(), name);
        assertEquals(reason == null ? List.of() : List.of(reason), s.reasons(), name);
    }

    static Map<String, Long> scores(PodTopologySpread plugin, Pod pod, List<Pod> existing) {
        List<NodeInfo> nodes = place(existing);
        CycleState state = new CycleState(nodes);
        plugin.preScore(state, pod, nodes);
        Map<String, Long> s = new HashMap<>();
        nodes.forEach(n -> s.put(n.name(), plugin.score(state, pod, n)));
        plugin.normalize(state, pod, s);
        return s;
    }

    static final List<Pod> THREE_IN_A = List.of(onNode(web("w1"), "n1"), onNode(web("w2"), "n1"),
            onNode(web("w3"), "n2"));

    @Test
    void scheduleAnywayFavoursEmptierHosts() {
        Pod p = spread(web("p"), constraint(HOST, 1, "ScheduleAnyway").build());
        // weight log(4 + 2): n1 2 pods -> 4, n2 1 -> 2, others 0; normalized 100 * (max + min - s) / max
        assertEquals(Map.of("n1", 0L, "n2", 50L, "n3", 100L, "n4", 100L),
                scores(new PodTopologySpread(Listers.NONE), p, THREE_IN_A));
    }

    @Test
    void ownConstraintsIgnoreNodesWithoutTheKey() {
        Pod p = spread(web("p"), constraint(ZONE, 1, "ScheduleAnyway").build());
        // zone weight log(2 + 2): a has 3 pods -> round(4.16) = 4, b 0; n4 ignored -> 0
        assertEquals(Map.of("n1", 0L, "n2", 0L, "n3", 100L, "n4", 0L),
                scores(new PodTopologySpread(Listers.NONE), p, THREE_IN_A));
    }

    @Test
    void systemDefaultSpreadingUsesTheSelectingService() {
        Service svc = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web")).endSpec().build();
        Listers listers = new Listers() {
            @Override
            public List<Service> services(String namespace) {
                return List.of(svc);
            }
        };
        // hostname maxSkew 3 (weight log 6), zone maxSkew 5 (3 zone values incl. none: weight log 5):
        // n1 = 2*1.79 + 2 + 3*1.61 + 4 = 14, n2 = 13, n3 = 2 + 4 = 6, n4 = 2 (no zone label)
        assertEquals(Map.of("n1", 14L, "n2", 21L, "n3", 71L, "n4", 100L),
                scores(new PodTopologySpread(listers), web("p"), THREE_IN_A));
        assertEquals(Map.of("n1", 0L, "n2", 0L, "n3", 0L, "n4", 0L),
                scores(new PodTopologySpread(listers, false), web("p"), THREE_IN_A),
                "defaultingType List without default constraints: no spreading");
        assertEquals(Map.of("n1", 0L, "n2", 0L, "n3", 0L, "n4", 0L),
                scores(new PodTopologySpread(Listers.NONE), web("p"), THREE_IN_A), "nothing selects the pod");
    }
}
