package io.kybernetes.kubelet.hollow;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

/**
 * The status a hollow node reports for a pod it "runs" (pure, so it is unit-tested): phase Running, every
 * condition True, init containers terminated with exit code 0, containers running and ready since the start.
 */
public final class HollowPodStatus {

    static final String RUNTIME = "hollow";

    private HollowPodStatus() {
    }

    /** Whether the pod already shows what {@link #running} would report (so no write is needed). */
    public static boolean isRunning(Pod pod) {
        PodStatus s = pod.getStatus();
        if (s == null || !"Running".equals(s.getPhase()) || s.getPodIP() == null || s.getConditions() == null) {
            return false;
        }
        return s.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static PodStatus running(Pod pod, String hostIp, String podIp, Instant now) {
        PodStatus previous = pod.getStatus();
        String start = previous != null && previous.getStartTime() != null
                ? previous.getStartTime() : now.truncatedTo(ChronoUnit.SECONDS).toString();
        String uid = pod.getMetadata().getUid();
        List<ContainerStatus> init = new ArrayList<>();
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                init.add(base(c, uid).withReady(true).withStarted(false).withNewState().withNewTerminated()
                        .withExitCode(0).withReason("Completed").withStartedAt(start).withFinishedAt(start)
                        .withContainerID(containerId(uid, c)).endTerminated().endState().build());
            }
        }
        List<ContainerStatus> containers = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            containers.add(base(c, uid).withReady(true).withStarted(true).withNewState().withNewRunning()
                    .withStartedAt(start).endRunning().endState().build());
        }
        List<PodCondition> conditions = new ArrayList<>();
        for (String type : List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                "PodScheduled")) {
            conditions.add(new PodConditionBuilder().withType(type).withStatus("True")
                    .withLastTransitionTime(transition(previous, type, start)).build());
        }
        return new PodStatusBuilder()
                .withPhase("Running")
                .withConditions(conditions)
                .withHostIP(hostIp)
                .withHostIPs(new HostIP(hostIp))
                .withPodIP(podIp)
                .withPodIPs(new PodIP(podIp))
                .withStartTime(start)
                .withInitContainerStatuses(init.isEmpty() ? null : init)
                .withContainerStatuses(containers)
                .withQosClass(previous == null ? null : previous.getQosClass())
                .build();
    }

    private static ContainerStatusBuilder base(Container c, String uid) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                .withImageID(c.getImage() + "@sha256:" + "0".repeat(64)).withContainerID(containerId(uid, c))
                .withRestartCount(0);
    }

    private static String containerId(String uid, Container c) {
        return RUNTIME + "://" + uid + "-" + c.getName();
    }

    private static String transition(PodStatus previous, String type, String fallback) {
        if (previous != null && previous.getConditions() != null) {
            for (PodCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    return c.getLastTransitionTime();
                }
            }
        }
        return fallback;
    }
}
