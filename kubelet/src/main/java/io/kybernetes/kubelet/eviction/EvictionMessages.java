package io.kybernetes.kubelet.eviction;

import java.math.BigDecimal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/** The status messages of evicted pods, worded as upstream's kubelet words them. */
public final class EvictionMessages {

    public static final String REASON = "Evicted";

    private EvictionMessages() {
    }

    /**
     * Node pressure: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container c
     * was using 200Mi, request is 0, has larger consumption of memory. " (one sentence per container above its
     * request; threshold sentence only when the threshold's signal was observed).
     */
    public static String nodePressure(String resource, Threshold threshold, Observation observed, Pod pod,
                                      PodUsage usage) {
        StringBuilder m = new StringBuilder("The node was low on resource: ").append(resource).append(". ");
        if (threshold != null && observed != null) {
            m.append("Threshold quantity: ").append(threshold.value().render(observed.capacity()))
                    .append(", available: ").append(Quantities.render(Math.max(0, observed.available()))).append(". ");
        }
        if (usage == null || !("memory".equals(resource) || "ephemeral-storage".equals(resource))) {
            return m.toString();
        }
        for (Container c : PodResources.containers(pod)) {
            PodUsage.ContainerUsage cu = usage.containers().get(c.getName());
            if (cu == null) {
                continue;
            }
            Long used = "memory".equals(resource) ? Long.valueOf(cu.memoryWorkingSetBytes())
                    : cu.rootfsBytes() == null ? null : cu.ephemeralBytes();
            Quantity request = PodResources.request(c, resource).orElse(null);
            if (used != null && used > PodResources.bytes(request)) {
                m.append("Container ").append(c.getName()).append(" was using ").append(Quantities.render(used))
                        .append(", request is ").append(request == null ? "0" : request.toString())
                        .append(", has larger consumption of ").append(resource).append(". ");
            }
        }
        return m.toString();
    }

    public static String emptyDir(String volume, Quantity sizeLimit) {
        return "Usage of EmptyDir volume \"" + volume + "\" exceeds the limit \"" + sizeLimit + "\". ";
    }

    public static String podEphemeralStorage(String limit) {
        return "Pod ephemeral local storage usage exceeds the total limit of containers " + limit + ". ";
    }

    public static String containerEphemeralStorage(String container, Quantity limit) {
        return "Container " + container + " exceeded its local ephemeral storage limit \"" + limit + "\". ";
    }

    /** The sum of container limits as a quantity: the one container's own text, else binary-SI bytes. */
    static String renderSum(Pod pod, String resource, BigDecimal sum) {
        Quantity only = null;
        int n = 0;
        for (Container c : PodResources.containers(pod)) {
            var l = PodResources.limit(c, resource);
            if (l.isPresent()) {
                only = l.get();
                n++;
            }
        }
        return n == 1 ? only.toString() : Quantities.render(sum.longValue());
    }
}
