package io.kybernetes.scheduler.cache;

import java.util.ArrayList;
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
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Snapshot;

/**
 * The scheduler's view of nodes and of the pods that occupy them: pods the informer reports as bound, plus
 * pods this scheduler has <em>assumed</em> onto a node before the informer shows the binding, so two pods
 * scheduled back to back cannot both take the last free slot.
 * <p>
 * Snapshots are incremental, as upstream's cache (UpdateSnapshot with node generations): a change marks its node
 * dirty, and {@link #snapshot()} rebuilds only the dirty nodes' {@link NodeInfo}s; with nothing changed it returns
 * the previous (immutable) list. A cycle at 5,000 nodes thus costs O(changed nodes), not O(nodes + pods).
 * The snapshot also lists the nodes with pods that have (anti-)affinity terms, as upstream's, rebuilt only when one
 * of those nodes changed.
 * <p>
 * An assumed pod is kept as given (its spec.nodeName still empty): the node it counts on is recorded beside it,
 * since a deep copy of the pod per cycle to set the field cost more than the filters.
 */
public final class SchedulerCache {

    private final Map<String, Node> nodes = new TreeMap<>();
    /** Pod uid to the pod as bound (or assumed). */
    private final Map<String, Pod> pods = new HashMap<>();
    /** Pod uid to the node it is bound (or assumed) to. */
    private final Map<String, String> nodeOf = new HashMap<>();
    /** Nodes whose pods have pod (anti-)affinity terms, and required anti-affinity terms. */
    private final Set<String> withAffinity = new HashSet<>();
    private final Set<String> withRequiredAnti = new HashSet<>();
    private boolean affinityListsChanged = true;
    /** Node name to its pods by uid, in arrival order (also for nodes not seen yet). */
    private final Map<String, Map<String, Pod>> podsByNode = new HashMap<>();
    private final Map<String, Boolean> assumed = new HashMap<>();
    private final Map<String, NodeInfo> infos = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    /** The last snapshot (over {@code current}); null when nodes were added or removed since. */
    private Snapshot last;
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
        affinityListsChanged |= withAffinity.remove(name) | withRequiredAnti.remove(name);
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
            place(pod, pod.getSpec().getNodeName());
        }
    }

    public synchronized void removePod(Pod pod) {
        remove(pod.getMetadata().getUid());
        assumed.remove(pod.getMetadata().getUid());
    }

    /** Counts {@code pod} on {@code node} until the informer confirms the binding or {@link #forget} is called. */
    public synchronized void assume(Pod pod, String node) {
        place(pod, node);
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

    /** The node a bound or assumed pod counts on, or null. */
    public synchronized String nodeOf(Pod pod) {
        return nodeOf.get(pod.getMetadata().getUid());
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
        NodeInfo previous = infos.put(name, info);
        if (!info.podsWithAffinity().isEmpty() || (previous != null && !previous.podsWithAffinity().isEmpty())) {
            affinityListsChanged = true;
        }
        if (info.podsWithAffinity().isEmpty()) {
            withAffinity.remove(name);
        } else {
            withAffinity.add(name);
        }
        if (info.podsWithRequiredAntiAffinity().isEmpty()) {
            withRequiredAnti.remove(name);
        } else {
            withRequiredAnti.add(name);
        }
        return info;
    }

    private List<NodeInfo> publish(NodeInfo[] all) {
        List<NodeInfo> aff;
        List<NodeInfo> anti;
        if (!affinityListsChanged && last != null) {
            aff = last.havePodsWithAffinity();
            anti = last.havePodsWithRequiredAntiAffinity();
        } else {
            aff = list(all, withAffinity);
            anti = list(all, withRequiredAnti);
        }
        affinityListsChanged = false;
        current = all;
        last = new Snapshot(all, aff, anti);
        return last;
    }

    private List<NodeInfo> list(NodeInfo[] all, Set<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        List<NodeInfo> out = new ArrayList<>(names.size());
        for (String name : names) {
            Integer i = positions.get(name);
            if (i != null) {
                out.add(all[i]);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private void place(Pod pod, String node) {
        String uid = pod.getMetadata().getUid();
        pods.put(uid, pod);
        String oldNode = nodeOf.put(uid, node);
        if (oldNode != null && !oldNode.equals(node)) {
            unindex(uid, oldNode);
        }
        podsByNode.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(uid, pod);
        dirty.add(node);
    }

    private void remove(String uid) {
        pods.remove(uid);
        String oldNode = nodeOf.remove(uid);
        if (oldNode != null) {
            unindex(uid, oldNode);
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
