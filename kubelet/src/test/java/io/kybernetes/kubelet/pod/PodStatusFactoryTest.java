package io.kybernetes.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.kubelet.cri.v1.ContainerMetadata;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxMetadata;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;

class PodStatusFactoryTest {

    static final Instant NOW = Instant.parse("2026-11-24T07:00:00Z");

    /**
     * Each container: "-" not created, "R" running, "E0"/"E3" exited with that code, "W" exited with a back-off
     * waiting reason; a trailing "+" means an earlier instance exists (restarted).
     */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "Always,    -,       Pending",
            "Always,    R,       Running",
            "Always,    R R,     Running",
            "Always,    R -,     Pending",
            "Always,    E0,      Running",
            "Always,    W+,      Running",
            "OnFailure, E0,      Succeeded",
            "OnFailure, E3,      Running",
            "OnFailure, E0 E0,   Succeeded",
            "Never,     E0,      Succeeded",
            "Never,     E3,      Failed",
            "Never,     E0 E3,   Failed",
            "Never,     R E3,    Running",
    })
    void phaseFollowsTheContainers(String policy, String containers, String phase) {
        String[] states = containers.trim().split(" ");
        PodBuilder pb = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().withRestartPolicy(policy.trim()).endSpec();
        List<ContainerStatus> rt = new ArrayList<>();
        Map<String, PodStatusFactory.Waiting> waiting = new java.util.HashMap<>();
        for (int i = 0; i < states.length; i++) {
            String name = "c" + i;
            pb.editSpec().addToContainers(new ContainerBuilder().withName(name).withImage("busybox").build()).endSpec();
            String s = states[i];
            if (s.equals("-")) {
                continue;
            }
            int attempt = s.endsWith("+") ? 1 : 0;
            if (attempt == 1) {
                rt.add(container(name, 0, ContainerState.CONTAINER_EXITED, 1));
            }
            switch (s.charAt(0)) {
                case 'R' -> rt.add(container(name, attempt, ContainerState.CONTAINER_RUNNING, 0));
                case 'E' -> rt.add(container(name, attempt, ContainerState.CONTAINER_EXITED, s.charAt(1) - '0'));
                default -> {
                    rt.add(container(name, attempt, ContainerState.CONTAINER_EXITED, 1));
                    waiting.put(name, new PodStatusFactory.Waiting("CrashLoopBackOff", "back-off"));
                }
            }
        }
        PodStatus st = PodStatusFactory.build(pb.build(), new RuntimePod("u", List.of(sandbox()), rt),
                List.of("10.0.0.5"), "192.0.2.2", waiting, NOW);
        assertEquals(phase, st.getPhase());
        assertEquals("10.0.0.5", st.getPodIP());
        boolean allRunning = containers.trim().chars().filter(ch -> ch == 'R').count() == states.length;
        assertEquals(allRunning && "Running".equals(phase) ? "True" : "False", condition(st, "Ready"));
        boolean completed = phase.equals("Succeeded") || phase.equals("Failed");
        String reason = st.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow()
                .getReason();
        assertEquals(completed ? "PodCompleted" : "True".equals(condition(st, "Ready")) ? null : "ContainersNotReady", reason);
    }

    @Test
    void restartedContainerReportsLastStateAndBackOff() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
        var rt = new RuntimePod("u", List.of(sandbox()), List.of(container("c", 0, ContainerState.CONTAINER_EXITED, 3),
                container("c", 1, ContainerState.CONTAINER_EXITED, 3)));
        PodStatus st = PodStatusFactory.build(pod, rt, List.of(), "192.0.2.2",
                Map.of("c", new PodStatusFactory.Waiting("CrashLoopBackOff", "back-off 10s")), NOW);
        var cs = st.getContainerStatuses().get(0);
        assertEquals(1, cs.getRestartCount());
        assertEquals("CrashLoopBackOff", cs.getState().getWaiting().getReason());
        assertEquals(3, cs.getLastState().getTerminated().getExitCode());
        assertEquals("Error", cs.getLastState().getTerminated().getReason());
        assertEquals("containerd://c-1", cs.getContainerID());
    }

    @Test
    void conditionsOthersOwnAreKept() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason("EvictionByEvictionAPI")
                .endCondition().endStatus().build();
        var rt = new RuntimePod("u", List.of(sandbox()), List.of(container("c", 0, ContainerState.CONTAINER_RUNNING, 0)));
        PodStatus st = PodStatusFactory.build(pod, rt, List.of("10.0.0.5"), "192.0.2.2", Map.of(), NOW);
        assertEquals("True", condition(st, "DisruptionTarget"));
        assertEquals(1, st.getConditions().stream().filter(c -> c.getType().equals("Ready")).count());
    }

    /** After a kubelet restart: readiness reported for the same container stands until its probe runs again. */
    @ParameterizedTest(name = "reported {0} for {1}, probed {2} -> ready {3}")
    @CsvSource({
            "true,  containerd://c-0, false, true",
            "true,  containerd://c-0, true,  false",
            "true,  containerd://old, false, false",
            "false, containerd://c-0, false, false",
    })
    void reportedReadinessStandsUntilTheProbesRunAgain(boolean reportedReady, String reportedId, boolean probed,
                                                       boolean expected) {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").withNewReadinessProbe().withNewExec()
                .withCommand("true").endExec().endReadinessProbe().endContainer().endSpec()
                .withNewStatus().addNewContainerStatus().withName("c").withContainerID(reportedId).withReady(reportedReady)
                .withStarted(true).endContainerStatus().endStatus().build();
        var rt = new RuntimePod("u", List.of(sandbox()), List.of(container("c", 0, ContainerState.CONTAINER_RUNNING, 0)));
        PodStatusFactory.Readiness notYetProbed = new PodStatusFactory.Readiness() {
            @Override
            public boolean ready(String containerId, io.fabric8.kubernetes.api.model.Container spec) {
                return false;
            }

            @Override
            public boolean probed(String containerId, io.fabric8.kubernetes.api.model.Container spec) {
                return probed;
            }
        };
        PodStatus st = PodStatusFactory.build(pod, rt, List.of("10.0.0.5"), "h", Map.of(), NOW, notYetProbed);
        assertEquals(expected, st.getContainerStatuses().get(0).getReady());
        assertEquals(expected ? "True" : "False", condition(st, "Ready"));
    }

    @Test
    void conditionTransitionTimesAreKept() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
        var rt = new RuntimePod("u", List.of(sandbox()), List.of(container("c", 0, ContainerState.CONTAINER_RUNNING, 0)));
        PodStatus first = PodStatusFactory.build(pod, rt, List.of("10.0.0.5"), "h", Map.of(), NOW);
        pod.setStatus(first);
        PodStatus second = PodStatusFactory.build(pod, rt, List.of("10.0.0.5"), "h", Map.of(), NOW.plusSeconds(60));
        assertEquals(first, second);
    }

    @ParameterizedTest
    @CsvSource({
            "'',            '',            BestEffort",
            "100m,          '',            Burstable",
            "'',            100m,          Guaranteed_cpu_only_is_Burstable",
    })
    void qosClass(String cpuRequest, String cpuLimit, String expected) {
        var c = new ContainerBuilder().withName("c").withImage("i").withNewResources().endResources();
        if (!cpuRequest.isEmpty()) {
            c.editResources().addToRequests("cpu", new Quantity(cpuRequest)).endResources();
        }
        if (!cpuLimit.isEmpty()) {
            c.editResources().addToLimits("cpu", new Quantity(cpuLimit)).endResources();
        }
        Pod pod = new PodBuilder().withNewSpec().addToContainers(c.build()).endSpec().build();
        assertEquals(expected.startsWith("Guaranteed_") ? "Burstable" : expected, PodStatusFactory.qosClass(pod));
    }

    @Test
    void guaranteedNeedsEqualCpuAndMemoryLimits() {
        var c = new ContainerBuilder().withName("c").withImage("i").withNewResources()
                .addToLimits("cpu", new Quantity("1")).addToLimits("memory", new Quantity("64Mi")).endResources().build();
        assertEquals("Guaranteed", PodStatusFactory.qosClass(new PodBuilder().withNewSpec().addToContainers(c).endSpec().build()));
    }

    static String condition(PodStatus st, String type) {
        return st.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow().getStatus();
    }

    static PodSandbox sandbox() {
        return PodSandbox.newBuilder().setId("sb").setState(PodSandboxState.SANDBOX_READY).setCreatedAt(1)
                .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setUid("u").setNamespace("ns")).build();
    }

    static ContainerStatus container(String name, int attempt, ContainerState state, int exitCode) {
        ContainerStatus.Builder b = ContainerStatus.newBuilder().setId(name + "-" + attempt)
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt)).setState(state)
                .setCreatedAt(1_000_000_000L * (attempt + 1)).setStartedAt(1_000_000_000L * (attempt + 1));
        if (state == ContainerState.CONTAINER_EXITED) {
            b.setExitCode(exitCode).setFinishedAt(1_000_000_000L * (attempt + 2));
        }
        return b.build();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void evictedPodsAreFailedWithReasonMessageAndDisruptionTarget(boolean disruption) {
        var base = new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime("2026-11-24T09:00:00Z")
                .endCondition()
                .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
                .withPodIP("10.244.0.9").build();
        var st = PodStatusFactory.evicted(base, "The node was low on resource: memory. ", disruption,
                java.time.Instant.parse("2026-11-24T10:00:00Z"));
        org.junit.jupiter.api.Assertions.assertEquals("Failed", st.getPhase());
        org.junit.jupiter.api.Assertions.assertEquals("Evicted", st.getReason());
        org.junit.jupiter.api.Assertions.assertEquals("The node was low on resource: memory. ", st.getMessage());
        org.junit.jupiter.api.Assertions.assertEquals("10.244.0.9", st.getPodIP());
        var byType = new java.util.HashMap<String, io.fabric8.kubernetes.api.model.PodCondition>();
        st.getConditions().forEach(c -> byType.put(c.getType(), c));
        org.junit.jupiter.api.Assertions.assertEquals("False", byType.get("Ready").getStatus());
        org.junit.jupiter.api.Assertions.assertEquals("PodFailed", byType.get("Ready").getReason());
        org.junit.jupiter.api.Assertions.assertEquals("2026-11-24T10:00:00Z", byType.get("Ready").getLastTransitionTime());
        org.junit.jupiter.api.Assertions.assertEquals("True", byType.get("PodScheduled").getStatus());
        if (disruption) {
            var d = byType.get("DisruptionTarget");
            org.junit.jupiter.api.Assertions.assertEquals("True", d.getStatus());
            org.junit.jupiter.api.Assertions.assertEquals("TerminationByKubelet", d.getReason());
            org.junit.jupiter.api.Assertions.assertEquals("The node was low on resource: memory. ", d.getMessage());
        } else {
            org.junit.jupiter.api.Assertions.assertEquals(null, byType.get("DisruptionTarget"));
        }
    }
}
