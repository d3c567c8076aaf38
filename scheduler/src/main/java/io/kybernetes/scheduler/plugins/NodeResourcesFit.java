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
        if (node.reports("pods") && node.pods().size() + 1 > alloc.pods()) {
            reasons.add("Too many pods");
        }
        if (!req.isZero()) {
            if (req.milliCpu() > 0 && node.reports("cpu") && req.milliCpu() > alloc.milliCpu() - used.milliCpu()) {
                reasons.add("Insufficient cpu");
            }
            if (req.memory() > 0 && node.reports("memory") && req.memory() > alloc.memory() - used.memory()) {
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

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        return NodeResourcesLeastAllocated.leastAllocated(pod, node);
    }
}
