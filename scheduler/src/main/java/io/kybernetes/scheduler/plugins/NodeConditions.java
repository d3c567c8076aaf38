package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;

/**
 * Node conditions as the NoSchedule taints upstream's node lifecycle controller derives from them (taint nodes by
 * condition): Ready False (or absent) is node.kubernetes.io/not-ready, Ready Unknown is .../unreachable,
 * MemoryPressure, DiskPressure and PIDPressure True are .../memory-pressure, .../disk-pressure, .../pid-pressure,
 * NetworkUnavailable True is .../network-unavailable. A condition whose taint the node already carries is left to
 * TaintToleration, so a cluster that has the controller gets the same answer once; one that lacks it gets the same
 * words. Registered as NodeConditions and under its earlier name NodeReady.
 */
public final class NodeConditions implements FilterPlugin {

    public static final String NAME = "NodeConditions";
    static final Taint NOT_READY = noSchedule("node.kubernetes.io/not-ready");
    static final Taint UNREACHABLE = noSchedule("node.kubernetes.io/unreachable");
    static final Taint MEMORY_PRESSURE = noSchedule("node.kubernetes.io/memory-pressure");
    static final Taint DISK_PRESSURE = noSchedule("node.kubernetes.io/disk-pressure");
    static final Taint PID_PRESSURE = noSchedule("node.kubernetes.io/pid-pressure");
    static final Taint NETWORK_UNAVAILABLE = noSchedule("node.kubernetes.io/network-unavailable");

    private static Taint noSchedule(String key) {
        return new TaintBuilder().withKey(key).withEffect("NoSchedule").build();
    }

    private static final NodeInfo.Key<List<Taint>> IMPLICIT_TAINTS = NodeInfo.Key.of(NodeConditions::implicitTaints);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<Taint> implicit = node.memo(IMPLICIT_TAINTS);
        if (implicit.isEmpty()) {
            return Status.success();
        }
        for (Taint t : implicit) {
            if (!carries(node, t) && !Tolerations.tolerates(pod.getSpec().getTolerations(), t)) {
                return Status.unresolvable(NAME, TaintToleration.untolerated(t));
            }
        }
        return Status.success();
    }

    static List<Taint> implicitTaints(NodeInfo node) {
        List<Taint> out = new ArrayList<>();
        List<NodeCondition> conditions = node.node().getStatus() == null ? null
                : node.node().getStatus().getConditions();
        boolean sawReady = false;
        if (conditions != null) {
            for (NodeCondition c : conditions) {
                boolean isTrue = "True".equals(c.getStatus());
                switch (c.getType()) {
                    case "Ready":
                        sawReady = true;
                        if ("Unknown".equals(c.getStatus())) {
                            out.add(UNREACHABLE);
                        } else if (!isTrue) {
                            out.add(NOT_READY);
                        }
                        break;
                    case "MemoryPressure":
                        if (isTrue) {
                            out.add(MEMORY_PRESSURE);
                        }
                        break;
                    case "DiskPressure":
                        if (isTrue) {
                            out.add(DISK_PRESSURE);
                        }
                        break;
                    case "PIDPressure":
                        if (isTrue) {
                            out.add(PID_PRESSURE);
                        }
                        break;
                    case "NetworkUnavailable":
                        if (isTrue) {
                            out.add(NETWORK_UNAVAILABLE);
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        if (!sawReady) {
            out.add(0, NOT_READY);
        }
        return out;
    }

    private static boolean carries(NodeInfo node, Taint implicit) {
        List<Taint> taints = node.node().getSpec() == null ? null : node.node().getSpec().getTaints();
        return taints != null && taints.stream().anyMatch(t -> implicit.getKey().equals(t.getKey())
                && ("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect())));
    }
}
