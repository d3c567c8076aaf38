package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PodRequests;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.Resources;
import io.kybernetes.scheduler.framework.ScorePlugin;
import io.kybernetes.scheduler.framework.Status;

/**
 * Filter: the node has room for the pod's requests (pods count, cpu, memory, ephemeral-storage, extended
 * resources). Score: upstream's
 * default scoring strategy LeastAllocated over cpu and memory with weight 1 each (see
 * {@link NodeResourcesLeastAllocated}).
 */
public final class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, ScorePlugin {

    public static final String NAME = "NodeResourcesFit";
    private static final String STATE_KEY = "PreFilter" + NAME;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, Pod pod) {
        state.write(STATE_KEY, PodRequests.of(pod));
        return Status.success();
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        Resources req = state.read(STATE_KEY, Resources.class);
        if (req == null) {
            req = PodRequests.of(pod);
        }
        Resources alloc = node.allocatable();
        Resources used = node.requested();
        List<String> reasons = new ArrayList<>();
        // A resource the node does not report is not limited (a kubelet that reports no "pods" still runs pods).
        if (node.reportsPods() && node.pods().size() + 1 > alloc.pods()) {
            reasons.add("Too many pods");
        }
        if (!req.isZero()) {
            if (req.milliCpu() > 0 && node.reportsCpu() && req.milliCpu() > alloc.milliCpu() - used.milliCpu()) {
                reasons.add("Insufficient cpu");
            }
            if (req.memory() > 0 && node.reportsMemory() && req.memory() > alloc.memory() - used.memory()) {
                reasons.add("Insufficient memory");
            }
            if (req.ephemeralStorage() > 0 && node.reports("ephemeral-storage")
                    && req.ephemeralStorage() > alloc.ephemeralStorage() - used.ephemeralStorage()) {
                reasons.add("Insufficient ephemeral-storage");
            }
            // Extended resources and hugepages: a node that does not report one has none of it.
            for (var e : req.scalars().entrySet()) {
                if (e.getValue() > 0 && e.getValue() > alloc.scalar(e.getKey()) - used.scalar(e.getKey())) {
                    reasons.add("Insufficient " + e.getKey());
                }
            }
        }
        return reasons.isEmpty() ? Status.success() : Status.unschedulable(NAME, reasons.toArray(String[]::new));
    }

    /** A resource of the scoring strategy with its weight. */
    public record WeightedResource(String name, long weight) {
    }

    private static final int CPU = 0;
    private static final int MEMORY = 1;
    private static final int EPHEMERAL_STORAGE = 2;
    private static final int SCALAR = 3;

    private final boolean mostAllocated;
    private final List<WeightedResource> resources;
    /** Per resource of {@code resources}: which amount of {@link Resources} it is (resolved once, not per node). */
    private final int[] kinds;

    public NodeResourcesFit() {
        this(false, List.of(new WeightedResource("cpu", 1), new WeightedResource("memory", 1)));
    }

    /** A Fit scoring with upstream's LeastAllocated or MostAllocated strategy over weighted resources. */
    public NodeResourcesFit(boolean mostAllocated, List<WeightedResource> resources) {
        this.mostAllocated = mostAllocated;
        this.resources = List.copyOf(resources);
        this.kinds = this.resources.stream().mapToInt(r -> switch (r.name()) {
            case "cpu" -> CPU;
            case "memory" -> MEMORY;
            case "ephemeral-storage" -> EPHEMERAL_STORAGE;
            default -> SCALAR;
        }).toArray();
    }

    /** From pluginConfig args {@code scoringStrategy: {type: LeastAllocated|MostAllocated, resources: [...]}}. */
    public static NodeResourcesFit fromArgs(com.fasterxml.jackson.databind.JsonNode args) {
        var strategy = args.path("scoringStrategy");
        String type = strategy.path("type").asText("LeastAllocated");
        if (!type.equals("LeastAllocated") && !type.equals("MostAllocated")) {
            throw new IllegalArgumentException("--config: NodeResourcesFit scoringStrategy type " + type
                    + " is not supported (LeastAllocated, MostAllocated)");
        }
        List<WeightedResource> rs = new ArrayList<>();
        for (var r : strategy.path("resources")) {
            rs.add(new WeightedResource(r.path("name").asText(), r.path("weight").asLong(1)));
        }
        if (rs.isEmpty()) {
            rs = List.of(new WeightedResource("cpu", 1), new WeightedResource("memory", 1));
        }
        return new NodeResourcesFit(type.equals("MostAllocated"), rs);
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        // Both strategies count pods without requests at upstream's non-zero defaults (100m cpu, 200Mi memory).
        Resources podReq = state.memo("NodeResourcesFit/nonZero", () -> PodRequests.nonZero(pod));
        Resources used = node.nonZeroRequested();
        Resources alloc = node.allocatable();
        long total = 0;
        long weights = 0;
        for (int i = 0; i < kinds.length; i++) {
            WeightedResource r = resources.get(i);
            long capacity = amount(alloc, kinds[i], r.name());
            long requested = amount(used, kinds[i], r.name()) + amount(podReq, kinds[i], r.name());
            if (capacity == 0) {
                continue;
            }
            long score;
            if (mostAllocated) {
                score = Math.min(requested, capacity) * MAX_NODE_SCORE / capacity;
            } else {
                score = NodeResourcesLeastAllocated.leastRequested(requested, capacity);
            }
            total += score * r.weight();
            weights += r.weight();
        }
        return weights == 0 ? 0 : total / weights;
    }

    private static long amount(Resources r, int kind, String name) {
        return switch (kind) {
            case CPU -> r.milliCpu();
            case MEMORY -> r.memory();
            case EPHEMERAL_STORAGE -> r.ephemeralStorage();
            default -> r.scalar(name);
        };
    }
}
