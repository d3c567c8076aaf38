package io.kybernetes.scheduler.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.scheduler.framework.NodeInfo;

/**
 * The scheduler's view of nodes and of the pods that occupy them: pods the informer reports as bound, plus
 * pods this scheduler has <em>assumed</em> onto a node before the informer shows the binding, so two pods
 * scheduled back to back cannot both take the last free slot.
 * <p>
 * Snapshots are incremental, as upstream's cache (UpdateSnapshot with node generations): a change marks its node
 * dirty, and {@link #snapshot()} rebuilds only the dirty nodes' {@link NodeInfo}s; with nothing changed it returns
 * the previous (immutable) list. A cycle at 5,000 nodes thus costs O(changed nodes), not O(nodes + pods).
 */
public final class SchedulerCache {

    private final Map<String, Node> nodes = new TreeMap<>();
    /** Pod uid to the pod as bound (or assumed), with spec.nodeName set. */
    private final Map<String, Pod> pods = new HashMap<>();
    /** Node name to its pods by uid, in arrival order (also for nodes not seen yet). */
    private final Map<String, Map<String, Pod>> podsByNode = new HashMap<>();
    private final Map<String, Boolean> assumed = new HashMap<>();
    private final Map<String, NodeInfo> infos = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    /** The last snapshot (over {@code current}); null when nodes were added or removed since. */
    private List<NodeInfo> last;
    private NodeInfo[] current;
    /** Node name to its index in {@code current}. */
    private Map<String, Integer> positions;

    public synchronized void putNode(Node node) {
        String name = node.getMetadata().getName();
        if (nodes.put(name, node) == null) {
            last = null;
        }
        dirty.add(name);
    }

    public synchronized void removeNode(Node node) {
        String name = node.getMetadata().getName();
        nodes.remove(name);
        infos.remove(name);
        dirty.remove(name);
        last = null;
    }

    /** Records a bound pod seen by the informer (confirms an assumed one). Terminal pods free their node. */
    public synchronized void putPod(Pod pod) {
        String uid = pod.getMetadata().getUid();
        assumed.remove(uid);
        if (terminal(pod)) {
            remove(uid);
        } else {
            place(pod);
        }
    }

    public synchronized void removePod(Pod pod) {
        remove(pod.getMetadata().getUid());
        assumed.remove(pod.getMetadata().getUid());
    }

    /** Counts {@code pod} on {@code node} until the informer confirms the binding or {@link #forget} is called. */
    public synchronized void assume(Pod pod, String node) {
        place(new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build());
        assumed.put(pod.getMetadata().getUid(), true);
    }

    public synchronized void forget(Pod pod) {
        String uid = pod.getMetadata().getUid();
        if (assumed.remove(uid) != null) {
            remove(uid);
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
        if (last != null && dirty.isEmpty()) {
            return last;
        }
        if (last == null || positions == null) {
            // nodes were added or removed: lay the list out again (rare)
            positions = new HashMap<>();
            NodeInfo[] all = new NodeInfo[nodes.size()];
            int i = 0;
            for (String name : nodes.keySet()) {
                positions.put(name, i);
                all[i++] = dirty.contains(name) || !infos.containsKey(name) ? build(name) : infos.get(name);
            }
            dirty.clear();
            return publish(all);
        }
        // copy on write: the previous snapshot may still be in use by a cycle
        NodeInfo[] all = current.clone();
        for (String name : dirty) {
            Integer i = positions.get(name);
            if (i != null) {
                all[i] = build(name);
            }
        }
        dirty.clear();
        return publish(all);
    }

    private NodeInfo build(String name) {
        Map<String, Pod> on = podsByNode.get(name);
        NodeInfo info = new NodeInfo(nodes.get(name), on == null ? List.of() : new ArrayList<>(on.values()));
        infos.put(name, info);
        return info;
    }

    private List<NodeInfo> publish(NodeInfo[] all) {
        current = all;
        last = Collections.unmodifiableList(Arrays.asList(all));
        return last;
    }

    private void place(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Pod old = pods.put(uid, pod);
        String node = pod.getSpec().getNodeName();
        if (old != null && !old.getSpec().getNodeName().equals(node)) {
            unindex(uid, old.getSpec().getNodeName());
        }
        podsByNode.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(uid, pod);
        dirty.add(node);
    }

    private void remove(String uid) {
        Pod old = pods.remove(uid);
        if (old != null) {
            unindex(uid, old.getSpec().getNodeName());
        }
    }

    private void unindex(String uid, String node) {
        Map<String, Pod> on = podsByNode.get(node);
        if (on != null) {
            on.remove(uid);
            if (on.isEmpty()) {
                podsByNode.remove(node);
            }
        }
        dirty.add(node);
    }

    static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
