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
    /** What {@link #reports} answers for the resources every cycle asks about (the filter runs per node). */
    private final boolean reportsPods;
    private final boolean reportsCpu;
    private final boolean reportsMemory;
    /** Pods with any pod affinity or anti-affinity, and those with required anti-affinity (as upstream's NodeInfo). */
    private final List<Pod> podsWithAffinity;
    private final List<Pod> podsWithRequiredAntiAffinity;
    /** spec.unschedulable and spec.taints (never null), read by every cycle's filters for every node visited. */
    private final boolean unschedulable;
    private final List<io.fabric8.kubernetes.api.model.Taint> taints;
    private final java.util.concurrent.ConcurrentHashMap<String, Object> memo =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Values of {@link Key}s, by index: one array read per node per cycle instead of a hash lookup. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Object> slots =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(Key.CAPACITY);

    /**
     * A value derived from a node info that a plugin reads for every node it visits (implicit taints, images):
     * declared once as a constant, it is kept in a slot of the node info rather than under a string key.
     */
    public static final class Key<T> {
        static final int CAPACITY = 16;
        private static final java.util.concurrent.atomic.AtomicInteger NEXT =
                new java.util.concurrent.atomic.AtomicInteger();
        private final int index;
        private final java.util.function.Function<NodeInfo, T> compute;

        private Key(java.util.function.Function<NodeInfo, T> compute) {
            this.index = NEXT.getAndIncrement();
            if (index >= CAPACITY) {
                throw new IllegalStateException("more than " + CAPACITY + " NodeInfo keys");
            }
            this.compute = compute;
        }

        public static <T> Key<T> of(java.util.function.Function<NodeInfo, T> compute) {
            return new Key<>(compute);
        }
    }

    public NodeInfo(Node node, List<Pod> pods) {
        this.node = node;
        this.pods = Collections.unmodifiableList(new ArrayList<>(pods));
        Resources req = Resources.ZERO;
        Resources nz = Resources.ZERO;
        List<Pod> withAffinity = new ArrayList<>();
        List<Pod> withAnti = new ArrayList<>();
        for (Pod p : pods) {
            var a = p.getSpec() == null ? null : p.getSpec().getAffinity();
            if (a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null)) {
                withAffinity.add(p);
                if (a.getPodAntiAffinity() != null
                        && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
                        && !a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty()) {
                    withAnti.add(p);
                }
            }
            req = req.plus(PodRequests.of(p));
            nz = nz.plus(PodRequests.nonZero(p));
        }
        this.reportsPods = reportsSlow("pods");
        this.reportsCpu = reportsSlow("cpu");
        this.reportsMemory = reportsSlow("memory");
        this.podsWithAffinity = withAffinity.isEmpty() ? List.of() : Collections.unmodifiableList(withAffinity);
        this.podsWithRequiredAntiAffinity = withAnti.isEmpty() ? List.of() : Collections.unmodifiableList(withAnti);
        var spec = node.getSpec();
        this.unschedulable = spec != null && Boolean.TRUE.equals(spec.getUnschedulable());
        this.taints = spec == null || spec.getTaints() == null || spec.getTaints().isEmpty() ? List.of()
                : Collections.unmodifiableList(new ArrayList<>(spec.getTaints()));
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

    /** The node's spec.unschedulable. */
    public boolean unschedulable() {
        return unschedulable;
    }

    /** The node's spec.taints, never null. */
    public List<io.fabric8.kubernetes.api.model.Taint> taints() {
        return taints;
    }

    /** The node's labels, never null. */
    public java.util.Map<String, String> labels() {
        var l = node.getMetadata().getLabels();
        return l == null ? java.util.Map.of() : l;
    }

    public List<Pod> pods() {
        return pods;
    }

    /** The pods with pod affinity or anti-affinity terms of any kind. */
    public List<Pod> podsWithAffinity() {
        return podsWithAffinity;
    }

    /** The pods with required pod anti-affinity terms. */
    public List<Pod> podsWithRequiredAntiAffinity() {
        return podsWithRequiredAntiAffinity;
    }

    /**
     * A value derived from this (immutable) node info, computed once: a plugin's view of the node (implicit
     * taints, images) then costs one lookup per cycle until the node or its pods change.
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(String key, java.util.function.Function<NodeInfo, T> compute) {
        Object v = memo.get(key);
        if (v == null) {
            v = compute.apply(this);
            memo.put(key, v);
        }
        return (T) v;
    }

    /** The value of {@code key} for this (immutable) node info, computed once. */
    @SuppressWarnings("unchecked")
    public <T> T memo(Key<T> key) {
        Object v = slots.get(key.index);
        if (v == null) {
            v = key.compute.apply(this);
            slots.set(key.index, v);
        }
        return (T) v;
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

    /** Whether the node reports allocatable (or capacity) pods, cpu, memory: asked per node visited. */
    public boolean reportsPods() {
        return reportsPods;
    }

    public boolean reportsCpu() {
        return reportsCpu;
    }

    public boolean reportsMemory() {
        return reportsMemory;
    }

    /** Whether the node reports an allocatable (or capacity) amount of {@code resource}, e.g. "pods". */
    public boolean reports(String resource) {
        return switch (resource) {
            case "pods" -> reportsPods;
            case "cpu" -> reportsCpu;
            case "memory" -> reportsMemory;
            default -> reportsSlow(resource);
        };
    }

    private boolean reportsSlow(String resource) {
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
