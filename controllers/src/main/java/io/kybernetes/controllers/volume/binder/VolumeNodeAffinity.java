package io.kybernetes.controllers.volume.binder;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolume;

/** Whether a volume's spec.nodeAffinity.required admits a node (terms ORed, requirements ANDed). */
public final class VolumeNodeAffinity {

    private VolumeNodeAffinity() {
    }

    public static boolean admits(PersistentVolume pv, Node node) {
        var affinity = pv.getSpec() == null ? null : pv.getSpec().getNodeAffinity();
        if (affinity == null || affinity.getRequired() == null
                || affinity.getRequired().getNodeSelectorTerms() == null) {
            return true;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                : node.getMetadata().getLabels();
        for (NodeSelectorTerm term : affinity.getRequired().getNodeSelectorTerms()) {
            List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of()
                    : term.getMatchExpressions();
            List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
            if (exprs.isEmpty() && fields.isEmpty()) {
                continue;
            }
            boolean ok = exprs.stream().allMatch(r -> requirement(r, labels.get(r.getKey())))
                    && fields.stream().allMatch(r -> "metadata.name".equals(r.getKey())
                            && requirement(r, node.getMetadata().getName()));
            if (ok) {
                return true;
            }
        }
        return false;
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

    private static boolean requirement(NodeSelectorRequirement r, String value) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt", "Lt" -> {
                try {
                    long v = Long.parseLong(value);
                    long bound = Long.parseLong(values.get(0));
                    yield r.getOperator().equals("Gt") ? v > bound : v < bound;
                } catch (RuntimeException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }
}
