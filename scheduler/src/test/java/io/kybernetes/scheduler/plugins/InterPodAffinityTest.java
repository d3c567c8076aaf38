package io.kybernetes.scheduler.plugins;

import static io.kybernetes.scheduler.Fixtures.inNamespace;
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

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;
import io.kybernetes.scheduler.framework.Status.Code;

class InterPodAffinityTest {

    static final String HOST = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";
    static final List<Node> NODES = List.of(labelledNode("n1", ZONE, "a"), labelledNode("n2", ZONE, "a"),
            labelledNode("n3", ZONE, "b"), labelledNode("n4"));

    static PodAffinityTerm term(String key, String app, List<String> namespaces, LabelSelector nsSelector) {
        return new PodAffinityTermBuilder().withTopologyKey(key)
                .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", app)).build())
                .withNamespaces(namespaces).withNamespaceSelector(nsSelector).build();
    }

    static PodAffinityTerm term(String key, String app) {
        return term(key, app, null, null);
    }

    static Pod affinity(Pod p, PodAffinityTerm t) {
        return new PodBuilder(p).editSpec().withNewAffinity().withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(t).endPodAffinity().endAffinity().endSpec()
                .build();
    }

    static Pod antiAffinity(Pod p, PodAffinityTerm t) {
        return new PodBuilder(p).editSpec().withNewAffinity().withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(t).endPodAntiAffinity().endAffinity().endSpec()
                .build();
    }

    static Pod preferred(Pod p, PodAffinityTerm t, int weight, boolean anti) {
        WeightedPodAffinityTerm w = new WeightedPodAffinityTerm(t, weight);
        var b = new PodBuilder(p).editSpec().withNewAffinity();
        var a = anti ? b.withNewPodAntiAffinity().withPreferredDuringSchedulingIgnoredDuringExecution(w)
                .endPodAntiAffinity() : b.withNewPodAffinity().withPreferredDuringSchedulingIgnoredDuringExecution(w)
                .endPodAffinity();
        return a.endAffinity().endSpec().build();
    }

    static List<NodeInfo> place(List<Pod> existing) {
        Map<String, List<Pod>> byNode = new HashMap<>();
        existing.forEach(p -> byNode.computeIfAbsent(p.getSpec().getNodeName(), k -> new ArrayList<>()).add(p));
        List<NodeInfo> out = new ArrayList<>();
        NODES.forEach(n -> out.add(new NodeInfo(n, byNode.getOrDefault(n.getMetadata().getName(), List.of()))));
        return out;
    }

    static final Listers NAMESPACES = new Listers() {
        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            return Map.of("team", namespace.equals("other") ? "x" : "y");
        }
    };

    static Stream<Arguments> filterCases() {
        Pod db = labelledPod("db", "app", "db");
        Pod web = labelledPod("web", "app", "web");
        Pod plain = labelledPod("p", "app", "p");
        return Stream.of(
                Arguments.of("affinity hostname: on the node with the pod", affinity(plain, term(HOST, "db")),
                        List.of(onNode(db, "n1")), "n1", Code.SUCCESS, null),
                Arguments.of("affinity hostname: other node", affinity(plain, term(HOST, "db")),
                        List.of(onNode(db, "n1")), "n2", Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        InterPodAffinity.AFFINITY_REASON),
                Arguments.of("affinity zone: same zone", affinity(plain, term(ZONE, "db")),
                        List.of(onNode(db, "n1")), "n2", Code.SUCCESS, null),
                Arguments.of("affinity zone: other zone", affinity(plain, term(ZONE, "db")),
                        List.of(onNode(db, "n1")), "n3", Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        InterPodAffinity.AFFINITY_REASON),
                Arguments.of("affinity zone: node without the key", affinity(plain, term(ZONE, "db")),
                        List.of(onNode(db, "n1")), "n4", Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        InterPodAffinity.AFFINITY_REASON),
                Arguments.of("affinity: first of a group matching itself", affinity(db, term(ZONE, "db")),
                        List.of(), "n3", Code.SUCCESS, null),
                Arguments.of("affinity: nothing matches and not itself", affinity(plain, term(ZONE, "db")),
                        List.of(), "n3", Code.UNSCHEDULABLE_AND_UNRESOLVABLE, InterPodAffinity.AFFINITY_REASON),
                Arguments.of("affinity: other namespace ignored by default", affinity(plain, term(HOST, "db")),
                        List.of(onNode(inNamespace(db, "other"), "n1")), "n1",
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, InterPodAffinity.AFFINITY_REASON),
                Arguments.of("affinity: namespaces lists the other namespace",
                        affinity(plain, term(HOST, "db", List.of("other"), null)),
                        List.of(onNode(inNamespace(db, "other"), "n1")), "n1", Code.SUCCESS, null),
                Arguments.of("affinity: empty namespaceSelector is every namespace",
                        affinity(plain, term(HOST, "db", null, new LabelSelector())),
                        List.of(onNode(inNamespace(db, "other"), "n1")), "n1", Code.SUCCESS, null),
                Arguments.of("affinity: namespaceSelector by namespace labels",
                        affinity(plain, term(HOST, "db", null,
                                new LabelSelectorBuilder().withMatchLabels(Map.of("team", "x")).build())),
                        List.of(onNode(inNamespace(db, "other"), "n1")), "n1", Code.SUCCESS, null),
                Arguments.of("affinity: namespaceSelector not matching",
                        affinity(plain, term(HOST, "db", null,
                                new LabelSelectorBuilder().withMatchLabels(Map.of("team", "z")).build())),
                        List.of(onNode(inNamespace(db, "other"), "n1")), "n1",
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, InterPodAffinity.AFFINITY_REASON),
                Arguments.of("anti-affinity hostname: node with a matching pod", antiAffinity(web, term(HOST, "web")),
                        List.of(onNode(labelledPod("w1", "app", "web"), "n1")), "n1", Code.UNSCHEDULABLE,
                        InterPodAffinity.ANTI_AFFINITY_REASON),
                Arguments.of("anti-affinity hostname: other node", antiAffinity(web, term(HOST, "web")),
                        List.of(onNode(labelledPod("w1", "app", "web"), "n1")), "n2", Code.SUCCESS, null),
                Arguments.of("anti-affinity zone: same zone", antiAffinity(web, term(ZONE, "web")),
                        List.of(onNode(labelledPod("w1", "app", "web"), "n1")), "n2", Code.UNSCHEDULABLE,
                        InterPodAffinity.ANTI_AFFINITY_REASON),
                Arguments.of("anti-affinity zone: node without the key fits", antiAffinity(web, term(ZONE, "web")),
                        List.of(onNode(labelledPod("w1", "app", "web"), "n1")), "n4", Code.SUCCESS, null),
                Arguments.of("existing pod's anti-affinity: same zone", web,
                        List.of(onNode(antiAffinity(db, term(ZONE, "web")), "n1")), "n2", Code.UNSCHEDULABLE,
                        InterPodAffinity.EXISTING_ANTI_AFFINITY_REASON),
                Arguments.of("existing pod's anti-affinity: other zone", web,
                        List.of(onNode(antiAffinity(db, term(ZONE, "web")), "n1")), "n3", Code.SUCCESS, null),
                Arguments.of("existing pod's anti-affinity: pod not selected", plain,
                        List.of(onNode(antiAffinity(db, term(ZONE, "web")), "n1")), "n1", Code.SUCCESS, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(String name, Pod pod, List<Pod> existing, String node, Code code, String reason) {
        InterPodAffinity plugin = new InterPodAffinity(NAMESPACES);
        List<NodeInfo> nodes = place(existing);
        CycleState state = new CycleState(nodes);
        // success, or Skip (nothing to check): the Filter below still runs and must answer the same either way
        assertTrue(plugin.preFilter(state, pod).isSuccess(), name);
        NodeInfo target = nodes.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
        Status s = plugin.filter(state, pod, target);
        assertEquals(code, s.code(), name);
        assertEquals(reason == null ? List.of() : List.of(reason), s.reasons(), name);
    }

    static Map<String, Long> scores(Pod pod, List<Pod> existing) {
        InterPodAffinity plugin = new InterPodAffinity(Listers.NONE);
        List<NodeInfo> nodes = place(existing);
        CycleState state = new CycleState(nodes);
        plugin.preScore(state, pod, nodes);
        Map<String, Long> s = new HashMap<>();
        nodes.forEach(n -> s.put(n.name(), plugin.score(state, pod, n)));
        plugin.normalize(state, pod, s);
        return s;
    }

    @Test
    void preferredAffinityFavoursTheDomainWithMatchingPods() {
        Pod p = preferred(labelledPod("p"), term(ZONE, "db"), 10, false);
        assertEquals(Map.of("n1", 100L, "n2", 100L, "n3", 0L, "n4", 0L),
                scores(p, List.of(onNode(labelledPod("db", "app", "db"), "n2"))));
    }

    @Test
    void preferredAntiAffinityAvoidsTheDomainWithMatchingPods() {
        Pod p = preferred(labelledPod("p"), term(HOST, "db"), 5, true);
        assertEquals(Map.of("n1", 0L, "n2", 100L, "n3", 100L, "n4", 100L),
                scores(p, List.of(onNode(labelledPod("db", "app", "db"), "n1"))));
    }

    @Test
    void existingPodsPreferencesAndRequiredAffinityCountToo() {
        // An existing pod on n3 requires affinity to app=web by zone: weight 1 for zone b; one on n1 prefers
        // being away from app=web by zone (weight 3): -3 for zone a.
        Pod web = labelledPod("web", "app", "web");
        Map<String, Long> s = scores(web, List.of(onNode(affinity(labelledPod("x"), term(ZONE, "web")), "n3"),
                onNode(preferred(labelledPod("y"), term(ZONE, "web"), 3, true), "n1")));
        // raw: n1 -3, n2 -3, n3 1, n4 0 -> (v + 3) * 100 / 4
        assertEquals(Map.of("n1", 0L, "n2", 0L, "n3", 100L, "n4", 75L), s);
    }

    @Test
    void noTermsAnywhereScoresZero() {
        assertEquals(Map.of("n1", 0L, "n2", 0L, "n3", 0L, "n4", 0L),
                scores(labelledPod("p"), List.of(onNode(labelledPod("db", "app", "db"), "n1"))));
    }
}
