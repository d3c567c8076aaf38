package io.kybernetes.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;

/** Cordoned nodes (spec.unschedulable) take only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
public final class NodeUnschedulable implements FilterPlugin {

    public static final String NAME = "NodeUnschedulable";
    public static final String REASON = "node(s) were unschedulable";
    static final Taint TAINT = new TaintBuilder().withKey("node.kubernetes.io/unschedulable")
            .withEffect("NoSchedule").build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (!node.unschedulable() || Tolerations.tolerates(pod.getSpec().getTolerations(), TAINT)) {
            return Status.success();
        }
        return Status.unresolvable(NAME, REASON);
    }
}
