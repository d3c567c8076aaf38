package io.kybernetes.kubelet.pod;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;

/** Computes a pod's API status from its spec and what the runtime reports (pure, so it is unit-tested). */
public final class PodStatusFactory {

    /** A waiting reason the kubelet itself knows (pull errors, back-off) for a container. */
    public record Waiting(String reason, String message) {
    }

    private PodStatusFactory() {
    }

    /** Readiness of a running container (its readiness probe), by container id and spec. */
    public interface Readiness {
        boolean ready(String containerId, Container spec);

        /** Whether the container's startup probe (if any) has succeeded. */
        default boolean started(String containerId, Container spec) {
            return true;
        }

        /**
         * Whether the container's readiness and startup probes have produced a result since this kubelet started
         * (true when it has none). Until then, the status the API shows for the same container is kept.
         */
        default boolean probed(String containerId, Container spec) {
            return true;
        }
    }

    /** The termination message of an exited container (its terminationMessagePath file or log tail), or null. */
    public interface TerminationMessages {
        String of(Container spec, ContainerStatus exited);

        TerminationMessages NONE = (spec, s) -> null;
    }

    public static PodStatus build(Pod pod, RuntimePod rt, List<String> podIPs, String hostIP,
                                  Map<String, Waiting> waiting, Instant now) {
        return build(pod, rt, podIPs, hostIP, waiting, now, (id, c) -> true);
    }

    public static PodStatus build(Pod pod, RuntimePod rt, List<String> podIPs, String hostIP,
                                  Map<String, Waiting> waiting, Instant now, Readiness readiness) {
        return build(pod, rt, podIPs, hostIP, waiting, now, readiness, TerminationMessages.NONE);
    }

    public static PodStatus build(Pod pod, RuntimePod rt, List<String> podIPs, String hostIP,
                                  Map<String, Waiting> waiting, Instant now, Readiness readiness,
                                  TerminationMessages messages) {
        PodStatus previous = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String ts = time(now);
        String restartPolicy = restartPolicy(pod);

        List<io.fabric8.kubernetes.api.model.ContainerStatus> initStatuses = new ArrayList<>();
        boolean initialized = true;
        boolean initFailed = false;
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        for (Container c : inits) {
            io.fabric8.kubernetes.api.model.ContainerStatus s = containerStatus(c, rt, waiting,
                    initialized ? "ContainerCreating" : "PodInitializing", true, readiness, messages,
                    reported(previous.getInitContainerStatuses(), c.getName()));
            initStatuses.add(s);
            ContainerState st = s.getState();
            boolean done = st.getTerminated() != null && st.getTerminated().getExitCode() == 0;
            if (!done) {
                if ("Never".equals(restartPolicy) && st.getTerminated() != null) {
                    initFailed = true;
                }
                initialized = false;
            }
        }
        List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            statuses.add(containerStatus(c, rt, waiting, initialized ? "ContainerCreating" : "PodInitializing", false,
                    readiness, messages, reported(previous.getContainerStatuses(), c.getName())));
        }

        String phase = initFailed ? "Failed" : initialized ? phase(statuses, restartPolicy) : "Pending";
        if ("Succeeded".equals(previous.getPhase()) || "Failed".equals(previous.getPhase())) {
            phase = previous.getPhase(); // terminal phases never change
        }
        boolean allReady = !statuses.isEmpty() && statuses.stream().allMatch(s -> Boolean.TRUE.equals(s.getReady()));
        boolean ready = allReady && "Running".equals(phase);

        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "PodReadyToStartContainers", rt.readySandbox().isPresent(), null, ts));
        conditions.add(condition(previous, "Initialized", initialized, initialized ? null : "ContainersNotInitialized", ts));
        // a pod whose containers all ended is not ready because it completed, as upstream reports it
        String notReady = "Succeeded".equals(phase) || "Failed".equals(phase) ? "PodCompleted" : "ContainersNotReady";
        conditions.add(condition(previous, "Ready", ready, ready ? null : notReady, ts));
        conditions.add(condition(previous, "ContainersReady", allReady, allReady ? null : notReady, ts));
        conditions.add(condition(previous, "PodScheduled", true, null, ts));
        // conditions others own (DisruptionTarget from the eviction API, readiness gates' types) stay as they were
        if (previous.getConditions() != null) {
            for (PodCondition c : previous.getConditions()) {
                if (conditions.stream().noneMatch(k -> k.getType().equals(c.getType()))) {
                    conditions.add(c);
                }
            }
        }

        PodStatusBuilder b = new PodStatusBuilder();
        b.withPhase(phase)
                .withConditions(conditions)
                .withHostIP(hostIP)
                .withHostIPs(new HostIP(hostIP))
                .withStartTime(previous.getStartTime() != null ? previous.getStartTime() : ts)
                .withQosClass(qosClass(pod))
                .withInitContainerStatuses(initStatuses.isEmpty() ? null : initStatuses)
                .withContainerStatuses(statuses);
        if (!podIPs.isEmpty()) {
            b.withPodIP(podIPs.get(0)).withPodIPs(podIPs.stream().map(PodIP::new).toList());
        } else if (previous.getPodIP() != null) {
            b.withPodIP(previous.getPodIP()).withPodIPs(previous.getPodIPs());
        }
        return b.build();
    }

    /**
     * The status of a pod the kubelet evicted, from the status its stopped containers give: phase Failed, reason
     * Evicted and the eviction's message; Ready and ContainersReady False (PodFailed); with {@code disruption}, the
     * DisruptionTarget condition (reason TerminationByKubelet) carrying the same message.
     */
    public static PodStatus evicted(PodStatus base, String message, boolean disruption, Instant now) {
        String ts = time(now);
        List<PodCondition> conditions = new ArrayList<>();
        for (PodCondition c : base.getConditions() == null ? List.<PodCondition>of() : base.getConditions()) {
            if ("DisruptionTarget".equals(c.getType())) {
                continue;
            }
            if ("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) {
                String transition = "False".equals(c.getStatus()) && c.getLastTransitionTime() != null
                        ? c.getLastTransitionTime() : ts;
                c = new PodConditionBuilder().withType(c.getType()).withStatus("False").withReason("PodFailed")
                        .withLastTransitionTime(transition).build();
            }
            conditions.add(c);
        }
        if (disruption) {
            conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
                    .withReason("TerminationByKubelet").withMessage(message).withLastTransitionTime(ts).build());
        }
        return new PodStatusBuilder(base).withPhase("Failed").withReason("Evicted").withMessage(message)
                .withConditions(conditions).build();
    }

    public static String restartPolicy(Pod pod) {
        return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    }

    /** The phase from the app containers' states, as upstream derives it. */
    static String phase(List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses, String restartPolicy) {
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        for (io.fabric8.kubernetes.api.model.ContainerStatus s : statuses) {
            ContainerState st = s.getState();
            if (st.getRunning() != null) {
                running++;
            } else if (st.getTerminated() != null) {
                stopped++;
                if (st.getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
                stopped++; // restarting after a termination
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            if ("Always".equals(restartPolicy)) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            return "Never".equals(restartPolicy) ? "Failed" : "Running";
        }
        return "Pending";
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus reported(
            List<io.fabric8.kubernetes.api.model.ContainerStatus> list, String name) {
        if (list == null) {
            return null;
        }
        return list.stream().filter(s -> name.equals(s.getName())).findFirst().orElse(null);
    }

    static io.fabric8.kubernetes.api.model.ContainerStatus containerStatus(Container c, RuntimePod rt,
            Map<String, Waiting> waiting, String defaultWaiting, boolean init, Readiness readiness,
            TerminationMessages messages, io.fabric8.kubernetes.api.model.ContainerStatus reported) {
        List<ContainerStatus> instances = rt.instances(c.getName());
        ContainerStatusBuilder b = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                .withImageID("").withReady(false).withStarted(false).withRestartCount(0);
        Waiting override = waiting.get(c.getName());
        if (instances.isEmpty()) {
            Waiting w = override != null ? override : new Waiting(defaultWaiting, null);
            return b.withState(waitingState(w)).build();
        }
        ContainerStatus cur = instances.get(0);
        b.withRestartCount(cur.getMetadata().getAttempt())
                .withContainerID("containerd://" + cur.getId())
                .withImageID(cur.getImageRef());
        if (!cur.getImage().getImage().isEmpty() && !cur.getImage().getImage().startsWith("sha256:")) {
            b.withImage(cur.getImage().getImage());
        }
        Optional<ContainerStatus> prev = instances.size() > 1 ? Optional.of(instances.get(1)) : Optional.empty();
        switch (cur.getState()) {
            case CONTAINER_RUNNING -> {
                boolean started = readiness.started(cur.getId(), c);
                boolean ready = !init && started && readiness.ready(cur.getId(), c);
                if (!readiness.probed(cur.getId(), c) && reported != null
                        && ("containerd://" + cur.getId()).equals(reported.getContainerID())) {
                    // adopted after a kubelet restart: the probes have not run again yet, and this very container
                    // was reported before, so its readiness stands (no flap of the pod's endpoints)
                    started = started || Boolean.TRUE.equals(reported.getStarted());
                    ready = ready || !init && started && Boolean.TRUE.equals(reported.getReady());
                }
                b.withState(new ContainerStateBuilder().withNewRunning().withStartedAt(nanos(cur.getStartedAt()))
                        .endRunning().build()).withStarted(started).withReady(ready);
                prev.ifPresent(p -> b.withLastState(terminated(p, messages.of(c, p))));
            }
            case CONTAINER_EXITED -> {
                if (override != null) {
                    b.withState(waitingState(override)).withLastState(terminated(cur, messages.of(c, cur)));
                } else {
                    b.withState(terminated(cur, messages.of(c, cur)));
                    prev.ifPresent(p -> b.withLastState(terminated(p, messages.of(c, p))));
                }
            }
            default -> {
                b.withState(waitingState(override != null ? override : new Waiting(defaultWaiting, null)));
                prev.ifPresent(p -> b.withLastState(terminated(p, messages.of(c, p))));
            }
        }
        return b.build();
    }

    private static ContainerState waitingState(Waiting w) {
        return new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message())
                .endWaiting().build();
    }

    static ContainerState terminated(ContainerStatus s) {
        return terminated(s, null);
    }

    /** {@code message}: the termination message, which wins over the runtime's own message when set. */
    static ContainerState terminated(ContainerStatus s, String message) {
        String reason = !s.getReason().isEmpty() && !"Completed".equals(s.getReason()) && !"Error".equals(s.getReason())
                ? s.getReason() : s.getExitCode() == 0 ? "Completed" : "Error";
        return new ContainerStateBuilder().withNewTerminated()
                .withExitCode(s.getExitCode())
                .withReason(reason)
                .withMessage(message != null && !message.isEmpty() ? message
                        : s.getMessage().isEmpty() ? null : s.getMessage())
                .withStartedAt(s.getStartedAt() == 0 ? null : nanos(s.getStartedAt()))
                .withFinishedAt(s.getFinishedAt() == 0 ? null : nanos(s.getFinishedAt()))
                .withContainerID("containerd://" + s.getId())
                .endTerminated().build();
    }

    private static PodCondition condition(PodStatus previous, String type, boolean value, String reason, String now) {
        String status = value ? "True" : "False";
        String transition = now;
        if (previous.getConditions() != null) {
            for (PodCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    transition = c.getLastTransitionTime();
                }
            }
        }
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withLastTransitionTime(transition).build();
    }

    /** BestEffort, Burstable or Guaranteed from the containers' requests and limits. */
    public static String qosClass(Pod pod) {
        boolean any = false;
        boolean guaranteed = true;
        for (Container c : ContainerSpecs.allContainers(pod)) {
            Map<String, Quantity> req = c.getResources() == null || c.getResources().getRequests() == null
                    ? Map.of() : c.getResources().getRequests();
            Map<String, Quantity> lim = c.getResources() == null || c.getResources().getLimits() == null
                    ? Map.of() : c.getResources().getLimits();
            if (!req.isEmpty() || !lim.isEmpty()) {
                any = true;
            }
            for (String r : List.of("cpu", "memory")) {
                Quantity l = lim.get(r);
                Quantity q = req.getOrDefault(r, l);
                if (l == null || q == null || Quantity.getAmountInBytes(l).compareTo(Quantity.getAmountInBytes(q)) != 0) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    public static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String nanos(long n) {
        return time(Instant.ofEpochSecond(0, n));
    }
}
