package io.kybernetes.scheduler.plugins;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.Status;
import io.kybernetes.scheduler.framework.Status.Code;

class FilterPluginsTest {

    static final Node N = node("n1", "2", "4Gi", 3);

    static Pod withInit(Pod p, String initCpu) {
        return new PodBuilder(p).editSpec().addToInitContainers(new ContainerBuilder().withName("init")
                .withNewResources().addToRequests("cpu", new Quantity(initCpu)).endResources().build())
                .endSpec().build();
    }

    static Pod hostPort(String name, int port, String ip) {
        Pod p = pod(name, null, null);
        return new PodBuilder(p).editSpec().editFirstContainer().addNewPort().withContainerPort(80)
                .withHostPort(port).withHostIP(ip).endPort().endContainer().endSpec().build();
    }

    static Node tainted(String key, String value, String effect) {
        return new NodeBuilder(N).editSpec().addToTaints(new TaintBuilder().withKey(key).withValue(value)
                .withEffect(effect).build()).endSpec().build();
    }

    static Pod tolerating(Pod p, String key, String op, String value, String effect) {
        return new PodBuilder(p).editSpec().addToTolerations(new TolerationBuilder().withKey(key).withOperator(op)
                .withValue(value).withEffect(effect).build()).endSpec().build();
    }

    static Pod selecting(Map<String, String> selector) {
        return new PodBuilder(pod("p", null, null)).editSpec().withNodeSelector(selector).endSpec().build();
    }

    static Pod affinity(String key, String op, String... values) {
        return new PodBuilder(pod("p", null, null)).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                .withMatchExpressions(new NodeSelectorRequirementBuilder().withKey(key).withOperator(op)
                        .withValues(values).build())
                .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
                .endAffinity().endSpec().build();
    }

    static Node labelled(Map<String, String> labels) {
        return new NodeBuilder(N).editMetadata().addToLabels(labels).endMetadata().build();
    }

    static Node notReady() {
        return new NodeBuilder(N).editStatus().withConditions().addNewCondition().withType("Ready")
                .withStatus("False").endCondition().endStatus().build();
    }

    /** N with the condition {@code type} set to {@code status} (Ready stays True unless it is the type). */
    static Node condition(String type, String status) {
        var conditions = new java.util.ArrayList<>(N.getStatus().getConditions());
        conditions.removeIf(c -> c.getType().equals(type));
        conditions.add(new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType(type).withStatus(status)
                .build());
        return new NodeBuilder(N).editStatus().withConditions(conditions).endStatus().build();
    }

    static Pod fieldAffinity(String nodeName) {
        return new PodBuilder(pod("p", null, null)).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                .withMatchFields(new NodeSelectorRequirementBuilder().withKey("metadata.name").withOperator("In")
                        .withValues(nodeName).build())
                .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
                .endAffinity().endSpec().build();
    }

    static Pod gpus(Pod p, int n) {
        return new PodBuilder(p).editSpec().editFirstContainer().editOrNewResources()
                .addToRequests("example.com/gpu", new Quantity(String.valueOf(n))).endResources().endContainer()
                .endSpec().build();
    }

    static Node withGpus(int n) {
        return new NodeBuilder(N).editStatus().addToAllocatable("example.com/gpu", new Quantity(String.valueOf(n)))
                .endStatus().build();
    }

    static Node cordoned() {
        return new NodeBuilder(N).editSpec().withUnschedulable(true).endSpec().build();
    }

    static Stream<Arguments> cases() {
        FilterPlugin fit = new NodeResourcesFit();
        FilterPlugin ports = new NodePorts();
        FilterPlugin taints = new TaintToleration();
        FilterPlugin aff = new NodeAffinity();
        FilterPlugin name = new NodeName();
        FilterPlugin unsched = new NodeUnschedulable();
        FilterPlugin ready = new NodeConditions();
        Pod big = pod("big", "1500m", "1Gi");
        return Stream.of(
                Arguments.of("fit: no requests fits", fit, pod("p", null, null), N, List.of(), Code.SUCCESS, List.of()),
                Arguments.of("fit: request fits", fit, pod("p", "1", "1Gi"), N, List.of(), Code.SUCCESS, List.of()),
                Arguments.of("fit: cpu too big", fit, pod("p", "3", "1Gi"), N, List.of(), Code.UNSCHEDULABLE,
                        List.of("Insufficient cpu")),
                Arguments.of("fit: cpu taken by others", fit, pod("p", "1", null), N,
                        List.of(onNode(big, "n1")), Code.UNSCHEDULABLE, List.of("Insufficient cpu")),
                Arguments.of("fit: cpu and memory", fit, pod("p", "3", "5Gi"), N, List.of(), Code.UNSCHEDULABLE,
                        List.of("Insufficient cpu", "Insufficient memory")),
                Arguments.of("fit: too many pods", fit, pod("p", null, null), N,
                        List.of(onNode(pod("a", null, null), "n1"), onNode(pod("b", null, null), "n1"),
                                onNode(pod("c", null, null), "n1")),
                        Code.UNSCHEDULABLE, List.of("Too many pods")),
                Arguments.of("fit: init container max beats sum", fit, withInit(pod("p", "500m", null), "2500m"), N,
                        List.of(), Code.UNSCHEDULABLE, List.of("Insufficient cpu")),
                Arguments.of("fit: init container smaller than sum", fit, withInit(pod("p", "1500m", null), "1"), N,
                        List.of(), Code.SUCCESS, List.of()),
                Arguments.of("ports: free", ports, hostPort("p", 8080, null), N,
                        List.of(onNode(hostPort("o", 8081, null), "n1")), Code.SUCCESS, List.of()),
                Arguments.of("ports: conflict", ports, hostPort("p", 8080, null), N,
                        List.of(onNode(hostPort("o", 8080, "10.0.0.1"), "n1")), Code.UNSCHEDULABLE,
                        List.of(NodePorts.REASON)),
                Arguments.of("ports: different host IPs", ports, hostPort("p", 8080, "10.0.0.2"), N,
                        List.of(onNode(hostPort("o", 8080, "10.0.0.1"), "n1")), Code.SUCCESS, List.of()),
                Arguments.of("taint: NoSchedule untolerated", taints, pod("p", null, null),
                        tainted("dedicated", "gpu", "NoSchedule"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {dedicated: gpu}")),
                Arguments.of("taint: tolerated by Equal", taints,
                        tolerating(pod("p", null, null), "dedicated", "Equal", "gpu", "NoSchedule"),
                        tainted("dedicated", "gpu", "NoSchedule"), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("taint: tolerated by Exists", taints,
                        tolerating(pod("p", null, null), "dedicated", "Exists", null, null),
                        tainted("dedicated", "gpu", "NoExecute"), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("taint: wrong value", taints,
                        tolerating(pod("p", null, null), "dedicated", "Equal", "cpu", "NoSchedule"),
                        tainted("dedicated", "gpu", "NoSchedule"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {dedicated: gpu}")),
                Arguments.of("taint: PreferNoSchedule never filters", taints, pod("p", null, null),
                        tainted("soft", "x", "PreferNoSchedule"), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("selector: matches", aff, selecting(Map.of("disk", "ssd")),
                        labelled(Map.of("disk", "ssd")), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("selector: mismatch", aff, selecting(Map.of("disk", "ssd")),
                        labelled(Map.of("disk", "hdd")), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of(NodeAffinity.REASON)),
                Arguments.of("affinity: In", aff, affinity("zone", "In", "a", "b"), labelled(Map.of("zone", "b")),
                        List.of(), Code.SUCCESS, List.of()),
                Arguments.of("affinity: NotIn", aff, affinity("zone", "NotIn", "b"), labelled(Map.of("zone", "b")),
                        List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(NodeAffinity.REASON)),
                Arguments.of("affinity: DoesNotExist", aff, affinity("zone", "DoesNotExist"), N, List.of(),
                        Code.SUCCESS, List.of()),
                Arguments.of("affinity: Gt", aff, affinity("gen", "Gt", "3"), labelled(Map.of("gen", "4")),
                        List.of(), Code.SUCCESS, List.of()),
                Arguments.of("nodeName: other node", name, onNode(pod("p", null, null), "n2"), N, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(NodeName.REASON)),
                Arguments.of("unschedulable: cordoned", unsched, pod("p", null, null), cordoned(), List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(NodeUnschedulable.REASON)),
                Arguments.of("unschedulable: tolerated", unsched,
                        tolerating(pod("p", null, null), "node.kubernetes.io/unschedulable", "Exists", null,
                                "NoSchedule"),
                        cordoned(), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("ready: not ready", ready, pod("p", null, null), notReady(), List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {node.kubernetes.io/not-ready: }")),
                Arguments.of("ready: ready", ready, pod("p", null, null), N, List.of(), Code.SUCCESS, List.of()),
                Arguments.of("conditions: Ready Unknown is unreachable", ready, pod("p", null, null),
                        condition("Ready", "Unknown"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {node.kubernetes.io/unreachable: }")),
                Arguments.of("conditions: memory pressure", ready, pod("p", null, null),
                        condition("MemoryPressure", "True"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }")),
                Arguments.of("conditions: disk pressure", ready, pod("p", null, null),
                        condition("DiskPressure", "True"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }")),
                Arguments.of("conditions: PID pressure", ready, pod("p", null, null),
                        condition("PIDPressure", "True"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {node.kubernetes.io/pid-pressure: }")),
                Arguments.of("conditions: no pressure", ready, pod("p", null, null),
                        condition("MemoryPressure", "False"), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("conditions: pressure tolerated", ready,
                        tolerating(pod("p", null, null), "node.kubernetes.io/disk-pressure", "Exists", null,
                                "NoSchedule"),
                        condition("DiskPressure", "True"), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("conditions: the node's own taint is left to TaintToleration", ready,
                        pod("p", null, null),
                        new NodeBuilder(condition("MemoryPressure", "True")).editSpec().addToTaints(new TaintBuilder()
                                .withKey("node.kubernetes.io/memory-pressure").withEffect("NoSchedule").build())
                                .endSpec().build(), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("taint: empty key Exists tolerates everything", taints,
                        tolerating(pod("p", null, null), null, "Exists", null, null),
                        tainted("dedicated", "gpu", "NoExecute"), List.of(), Code.SUCCESS, List.of()),
                Arguments.of("taint: effect must match", taints,
                        tolerating(pod("p", null, null), "dedicated", "Exists", null, "NoSchedule"),
                        tainted("dedicated", "gpu", "NoExecute"), List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                        List.of("node(s) had untolerated taint {dedicated: gpu}")),
                Arguments.of("fit: extended resource fits", fit, gpus(pod("p", null, null), 1), withGpus(2),
                        List.of(onNode(gpus(pod("o", null, null), 1), "n1")), Code.SUCCESS, List.of()),
                Arguments.of("fit: extended resource used up", fit, gpus(pod("p", null, null), 2), withGpus(2),
                        List.of(onNode(gpus(pod("o", null, null), 1), "n1")), Code.UNSCHEDULABLE,
                        List.of("Insufficient example.com/gpu")),
                Arguments.of("fit: node without the extended resource", fit, gpus(pod("p", "3", null), 1), N,
                        List.of(), Code.UNSCHEDULABLE, List.of("Insufficient cpu", "Insufficient example.com/gpu")),
                Arguments.of("affinity: Lt", aff, affinity("gen", "Lt", "3"), labelled(Map.of("gen", "4")),
                        List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(NodeAffinity.REASON)),
                Arguments.of("affinity: Exists", aff, affinity("gen", "Exists"), labelled(Map.of("gen", "4")),
                        List.of(), Code.SUCCESS, List.of()),
                Arguments.of("affinity: matchFields metadata.name", aff, fieldAffinity("n1"), N, List.of(),
                        Code.SUCCESS, List.of()),
                Arguments.of("affinity: matchFields other name", aff, fieldAffinity("n2"), N, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(NodeAffinity.REASON)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, FilterPlugin plugin, Pod pod, Node node, List<Pod> existing, Code code,
            List<String> reasons) {
        CycleState state = new CycleState();
        if (plugin instanceof PreFilterPlugin pre) {
            assertEquals(Code.SUCCESS, pre.preFilter(state, pod).code());
        }
        Status s = plugin.filter(state, pod, new NodeInfo(node, existing));
        assertEquals(code, s.code(), name);
        assertEquals(reasons, s.reasons(), name);
    }
}
