package io.kybernetes.scheduler.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.scheduler.framework.NodeInfo;

/**
 * The scheduler's view of nodes and of the pods that occupy them: pods the informer reports as bound, plus
 * pods this scheduler has <em>assumed</em> onto a node before the informer shows the binding, so two pods
 * scheduled back to back cannot both take the last free slot.
 */
public final class SchedulerCache {

    private final Map<String, Node> nodes = new TreeMap<>();
    /** Pod uid to the pod as bound (or assumed), with spec.nodeName set. */
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final Map<String, Boolean> assumed = new HashMap<>();

    public synchronized void putNode(Node node) {
        nodes.put(node.getMetadata().getName(), node);
    }

    public synchronized void removeNode(Node node) {
        nodes.remove(node.getMetadata().getName());
    }

    /** Records a bound pod seen by the informer (confirms an assumed one). Terminal pods free their node. */
    public synchronized void putPod(Pod pod) {
        String uid = pod.getMetadata().getUid();
        assumed.remove(uid);
        if (terminal(pod)) {
            pods.remove(uid);
        } else {
            pods.put(uid, pod);
        }
    }

    public synchronized void removePod(Pod pod) {
        pods.remove(pod.getMetadata().getUid());
        assumed.remove(pod.getMetadata().getUid());
    }

    /** Counts {@code pod} on {@code node} until the informer confirms the binding or {@link #forget} is called. */
    public synchronized void assume(Pod pod, String node) {
        Pod bound = new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
        pods.put(pod.getMetadata().getUid(), bound);
        assumed.put(pod.getMetadata().getUid(), true);
    }

    public synchronized void forget(Pod pod) {
        String uid = pod.getMetadata().getUid();
        if (assumed.remove(uid) != null) {
            pods.remove(uid);
        }
    }

    public synchronized boolean isAssumed(Pod pod) {
        return assumed.containsKey(pod.getMetadata().getUid());
    }

    /** Whether the pod is bound or assumed, i.e. must not be scheduled again. */
    public synchronized boolean isPlaced(Pod pod) {
        return pods.containsKey(pod.getMetadata().getUid());
    }

    public synchronized int nodeCount() {
        return nodes.size();
    }

    /** An immutable view of every node with its pods, in node name order. */
    public synchronized List<NodeInfo> snapshot() {
        Map<String, List<Pod>> byNode = new HashMap<>();
        for (Pod p : pods.values()) {
            byNode.computeIfAbsent(p.getSpec().getNodeName(), n -> new ArrayList<>()).add(p);
        }
        List<NodeInfo> out = new ArrayList<>(nodes.size());
        for (Node n : nodes.values()) {
            out.add(new NodeInfo(n, byNode.getOrDefault(n.getMetadata().getName(), List.of())));
        }
        return out;
    }

    static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
