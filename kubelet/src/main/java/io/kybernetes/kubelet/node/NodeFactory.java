package io.kybernetes.kubelet.node;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Builds the Node's labels and status from the machine's facts (pure, so it is unit-tested). */
public final class NodeFactory {

    public static final String KUBELET_VERSION = "v1.32.0";
    public static final int MAX_PODS = 110;

    private NodeFactory() {
    }

    public static Map<String, String> labels(String nodeName) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("kubernetes.io/hostname", nodeName);
        l.put("kubernetes.io/os", "linux");
        l.put("kubernetes.io/arch", "amd64");
        l.put("beta.kubernetes.io/os", "linux");
        l.put("beta.kubernetes.io/arch", "amd64");
        return l;
    }

    /**
     * The status to post. Condition transition times are kept from {@code previous} when a condition's status did
     * not change; heartbeat times are {@code now}.
     */
    public static NodeStatus status(MachineInfo m, String nodeName, String nodeIp, int kubeletPort,
                                    String runtimeVersion, NodeStatus previous, Instant now) {
        return status(m, HostPressure.NONE, nodeName, nodeIp, kubeletPort, runtimeVersion, previous, now);
    }

    public static NodeStatus status(MachineInfo m, HostPressure pressure, String nodeName, String nodeIp,
                                    int kubeletPort, String runtimeVersion, NodeStatus previous, Instant now) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(m.cpus())));
        capacity.put("memory", new Quantity(m.memoryKi() + "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(MAX_PODS)));
        capacity.put("ephemeral-storage", new Quantity(Long.toString(m.ephemeralStorageBytes())));
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(pressure.memory()
                ? condition(previous, "MemoryPressure", "True", "KubeletHasInsufficientMemory",
                        "kubelet has insufficient memory available", ts)
                : condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available", ts));
        conditions.add(pressure.disk()
                ? condition(previous, "DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure", ts)
                : condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure", ts));
        conditions.add(pressure.pid()
                ? condition(previous, "PIDPressure", "True", "KubeletHasInsufficientPID",
                        "kubelet has insufficient PID available", ts)
                : condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available", ts));
        conditions.add(condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status", ts));
        return new NodeStatusBuilder()
                .withCapacity(capacity)
                .withAllocatable(new LinkedHashMap<>(capacity))
                .withConditions(conditions)
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(nodeIp).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(nodeName).build())
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(kubeletPort).endKubeletEndpoint()
                .endDaemonEndpoints()
                .withNodeInfo(new NodeSystemInfoBuilder()
                        .withArchitecture("amd64")
                        .withOperatingSystem("linux")
                        .withKernelVersion(m.kernelVersion())
                        .withOsImage(m.osImage())
                        .withContainerRuntimeVersion(runtimeVersion)
                        .withKubeletVersion(KUBELET_VERSION)
                        .withKubeProxyVersion(KUBELET_VERSION)
                        .withMachineID(m.machineID())
                        .withBootID(m.bootID())
                        .withSystemUUID(m.systemUUID())
                        .build())
                .withImages(previous == null ? null : previous.getImages())
                .build();
    }

    private static NodeCondition condition(NodeStatus previous, String type, String status, String reason,
                                           String message, String now) {
        String transition = now;
        if (previous != null && previous.getConditions() != null) {
            for (NodeCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    transition = c.getLastTransitionTime();
                }
            }
        }
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now).withLastTransitionTime(transition).build();
    }
}
