package io.kybernetes.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PodRequests;
import io.kybernetes.scheduler.framework.Resources;
import io.kybernetes.scheduler.framework.ScorePlugin;

/**
 * Favours nodes whose cpu and memory would be used in equal fractions after placing the pod: with f = requested /
 * allocatable per resource (capped at 1), the score is {@code (1 - |f_cpu - f_mem| / 2) * 100}, as upstream's
 * balanced allocation over two resources (the standard deviation of two values). Uses the requests as written.
 */
public final class NodeResourcesBalancedAllocation implements ScorePlugin {

    public static final String NAME = "NodeResourcesBalancedAllocation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Resources podReq = state.memo(NAME + "/requests", () -> PodRequests.of(pod));
        Resources alloc = node.allocatable();
        Resources used = node.requested();
        double[] fractions = new double[2];
        int n = 0;
        if (alloc.milliCpu() > 0) {
            fractions[n++] = Math.min(1.0, (double) (used.milliCpu() + podReq.milliCpu()) / alloc.milliCpu());
        }
        if (alloc.memory() > 0) {
            fractions[n++] = Math.min(1.0, (double) (used.memory() + podReq.memory()) / alloc.memory());
        }
        double std = n == 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0;
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }
}
