package io.kybernetes.controllers.volume.binder;

import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.kybernetes.controllers.daemonset.NodeEligibility;

/** Whether a volume's spec.nodeAffinity.required admits a node (terms ORed, requirements ANDed). */
public final class VolumeNodeAffinity {

    private VolumeNodeAffinity() {
    }

    public static boolean admits(PersistentVolume pv, Node node) {
        var affinity = pv.getSpec() == null ? null : pv.getSpec().getNodeAffinity();
        return affinity == null || affinity.getRequired() == null
                || NodeEligibility.matches(affinity.getRequired(), node);
    }

    /** The node a local volume is pinned to: the single value of a kubernetes.io/hostname In requirement. */
    public static String pinnedNode(PersistentVolume pv) {
        var affinity = pv.getSpec() == null ? null : pv.getSpec().getNodeAffinity();
        if (affinity == null || affinity.getRequired() == null
                || affinity.getRequired().getNodeSelectorTerms() == null) {
            return null;
        }
        for (NodeSelectorTerm term : affinity.getRequired().getNodeSelectorTerms()) {
            for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of()
                    : term.getMatchExpressions()) {
                if ("kubernetes.io/hostname".equals(r.getKey()) && "In".equals(r.getOperator())
                        && r.getValues() != null && r.getValues().size() == 1) {
                    return r.getValues().get(0);
                }
            }
        }
        return null;
    }
}
