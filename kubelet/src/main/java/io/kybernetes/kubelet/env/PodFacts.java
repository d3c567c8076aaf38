package io.kybernetes.kubelet.env;

import java.util.List;

/**
 * What the downward API may expose about a pod beyond its spec: its IPs, the node's IP and the node's allocatable
 * CPU (millicores) and memory (bytes), which stand in for unset limits.
 */
public record PodFacts(List<String> podIPs, String hostIP, long nodeMilliCpu, long nodeMemoryBytes) {

    public static PodFacts of(String podIP, String hostIP) {
        return new PodFacts(podIP == null || podIP.isEmpty() ? List.of() : List.of(podIP), hostIP, 0, 0);
    }

    /** The node's allocatable CPU (millicores) and memory (bytes). */
    public record NodeResources(long milliCpu, long memoryBytes) {
    }

    public String podIP() {
        return podIPs.isEmpty() ? "" : podIPs.get(0);
    }
}
