package io.kybernetes.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

/** A node with the pods bound or assumed to it and the sum of their requests. Immutable snapshot. */
public final class NodeInfo {

    private final Node node;
    private final List<Pod> pods;
    private final Resources requested;
    private final Resources nonZeroRequested;
    private final Resources allocatable;

    public NodeInfo(Node node, List<Pod> pods) {
        this.node = node;
        this.pods = Collections.unmodifiableList(new ArrayList<>(pods));
        Resources req = Resources.ZERO;
        Resources nz = Resources.ZERO;
        for (Pod p : pods) {
            req = req.plus(PodRequests.of(p));
            nz = nz.plus(PodRequests.nonZero(p));
        }
        this.requested = req;
        this.nonZeroRequested = nz;
        this.allocatable = node.getStatus() == null ? Resources.ZERO
                : Resources.of(node.getStatus().getAllocatable() != null && !node.getStatus().getAllocatable().isEmpty()
                        ? node.getStatus().getAllocatable() : node.getStatus().getCapacity());
    }

    public Node node() {
        return node;
    }

    public String name() {
        return node.getMetadata().getName();
    }

    /** The node's labels, never null. */
    public java.util.Map<String, String> labels() {
        var l = node.getMetadata().getLabels();
        return l == null ? java.util.Map.of() : l;
    }

    public List<Pod> pods() {
        return pods;
    }

    /** Sum of the pods' requests; {@code pods()} counts the pods. */
    public Resources requested() {
        return requested;
    }

    /** As {@link #requested()} with upstream's defaults for pods that request no CPU or memory. */
    public Resources nonZeroRequested() {
        return nonZeroRequested;
    }

    public Resources allocatable() {
        return allocatable;
    }

    /** Whether the node reports an allocatable (or capacity) amount of {@code resource}, e.g. "pods". */
    public boolean reports(String resource) {
        if (node.getStatus() == null) {
            return false;
        }
        var alloc = node.getStatus().getAllocatable();
        if (alloc != null && !alloc.isEmpty()) {
            return alloc.containsKey(resource);
        }
        return node.getStatus().getCapacity() != null && node.getStatus().getCapacity().containsKey(resource);
    }
}
