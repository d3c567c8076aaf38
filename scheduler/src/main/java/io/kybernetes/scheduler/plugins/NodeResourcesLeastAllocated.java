package io.kybernetes.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PodRequests;
import io.kybernetes.scheduler.framework.Resources;
import io.kybernetes.scheduler.framework.ScorePlugin;

/**
 * Favours nodes with more free cpu and memory after placing the pod: per resource
 * {@code (allocatable - requested) * 100 / allocatable}, averaged with weight 1 each, as upstream's LeastAllocated.
 */
public final class NodeResourcesLeastAllocated implements ScorePlugin {

    public static final String NAME = "NodeResourcesLeastAllocated";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        return leastAllocated(pod, node);
    }

    static long leastAllocated(Pod pod, NodeInfo node) {
        Resources podReq = PodRequests.nonZero(pod);
        Resources alloc = node.allocatable();
        Resources used = node.nonZeroRequested();
        long cpu = leastRequested(used.milliCpu() + podReq.milliCpu(), alloc.milliCpu());
        long mem = leastRequested(used.memory() + podReq.memory(), alloc.memory());
        return (cpu + mem) / 2;
    }

    static long leastRequested(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * MAX_NODE_SCORE / capacity;
    }
}
