package io.kybernetes.scheduler.plugins;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;

/**
 * A node whose Ready condition is not True takes only pods that tolerate node.kubernetes.io/not-ready:NoSchedule.
 * Upstream gets this from the taint the node lifecycle controller adds; there is no such controller yet, so the
 * scheduler applies the same implicit taint itself and reports it in the same words.
 */
public final class NodeReady implements FilterPlugin {

    public static final String NAME = "NodeReady";
    static final Taint NOT_READY = new TaintBuilder().withKey("node.kubernetes.io/not-ready").withEffect("NoSchedule")
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (ready(node) || Tolerations.tolerates(pod.getSpec().getTolerations(), NOT_READY)) {
            return Status.success();
        }
        return Status.unresolvable(NAME, TaintToleration.untolerated(NOT_READY));
    }

    static boolean ready(NodeInfo node) {
        if (node.node().getStatus() == null || node.node().getStatus().getConditions() == null) {
            return false;
        }
        for (NodeCondition c : node.node().getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }
}
