package io.kybernetes.scheduler.framework;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Data shared between the extension points of one scheduling cycle of one pod, and the snapshot of every node
 * the cycle runs on (upstream plugins reach it through the framework handle's shared lister).
 */
public final class CycleState {

    private final Map<String, Object> data = new HashMap<>();
    private final List<NodeInfo> nodes;
    private Snapshot snapshot;
    /** By filter position: filters whose PreFilter answered Skip for this cycle's pod (null: none). */
    private boolean[] skippedFilters;

    public CycleState() {
        this(List.of());
    }

    public CycleState(List<NodeInfo> nodes) {
        this.nodes = nodes;
    }

    /** Every node of the snapshot, feasible or not. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The nodes holding pods with pod affinity or anti-affinity terms (upstream's HavePodsWithAffinityList). */
    public List<NodeInfo> nodesWithPodsWithAffinity() {
        return snapshot().havePodsWithAffinity();
    }

    /** The nodes holding pods with required anti-affinity (upstream's HavePodsWithRequiredAntiAffinityList). */
    public List<NodeInfo> nodesWithPodsWithRequiredAntiAffinity() {
        return snapshot().havePodsWithRequiredAntiAffinity();
    }

    private Snapshot snapshot() {
        if (snapshot == null) {
            snapshot = Snapshot.of(nodes);
        }
        return snapshot;
    }

    void skipFilter(int index, int filters) {
        if (skippedFilters == null) {
            skippedFilters = new boolean[filters];
        }
        skippedFilters[index] = true;
    }

    boolean[] skippedFilters() {
        return skippedFilters;
    }

    public void write(String key, Object value) {
        data.put(key, value);
    }

    /** The value under {@code key}, computed once per cycle (e.g. the pod's requests, shared by every node's score). */
    @SuppressWarnings("unchecked")
    public <T> T memo(String key, java.util.function.Supplier<T> compute) {
        return (T) data.computeIfAbsent(key, k -> compute.get());
    }

    public <T> T read(String key, Class<T> type) {
        return type.cast(data.get(key));
    }
}
