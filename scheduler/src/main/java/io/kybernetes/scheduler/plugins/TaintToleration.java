package io.kybernetes.scheduler.plugins;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.ScorePlugin;
import io.kybernetes.scheduler.framework.Status;

/**
 * Filter: the pod must tolerate every NoSchedule and NoExecute taint of the node. Score: fewer untolerated
 * PreferNoSchedule taints is better (normalized in reverse to 0-100).
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<Taint> taints = node.taints();
        for (Taint taint : taints) {
            boolean hard = "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
            if (hard && !Tolerations.tolerates(pod.getSpec().getTolerations(), taint)) {
                return Status.unresolvable(NAME, untolerated(taint));
            }
        }
        return Status.success();
    }

    static String untolerated(Taint taint) {
        return "node(s) had untolerated taint {" + taint.getKey() + ": "
                + (taint.getValue() == null ? "" : taint.getValue()) + "}";
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        List<Taint> taints = node.taints();
        if (taints.isEmpty()) {
            return 0;
        }
        long count = 0;
        for (Taint t : taints) {
            if ("PreferNoSchedule".equals(t.getEffect()) && !Tolerations.tolerates(pod.getSpec().getTolerations(), t)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        NodeAffinity.defaultNormalize(scores, true);
    }
}
