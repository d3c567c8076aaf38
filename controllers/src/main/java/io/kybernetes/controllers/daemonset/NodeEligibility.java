package io.kybernetes.controllers.daemonset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

/**
 * Whether a DaemonSet pod should run on a node: the pod's nodeSelector and required node affinity match the node,
 * and every NoSchedule/NoExecute taint is tolerated by the pod's tolerations plus those upstream adds to every
 * daemon pod.
 */
public final class NodeEligibility {

    private NodeEligibility() {
    }

    /** The tolerations upstream adds to daemon pods (network-unavailable only with host networking). */
    public static List<Toleration> defaultTolerations(PodSpec spec) {
        List<Toleration> t = new ArrayList<>();
        t.add(tol("node.kubernetes.io/not-ready", "NoExecute"));
        t.add(tol("node.kubernetes.io/unreachable", "NoExecute"));
        t.add(tol("node.kubernetes.io/disk-pressure", "NoSchedule"));
        t.add(tol("node.kubernetes.io/memory-pressure", "NoSchedule"));
        t.add(tol("node.kubernetes.io/pid-pressure", "NoSchedule"));
        t.add(tol("node.kubernetes.io/unschedulable", "NoSchedule"));
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            t.add(tol("node.kubernetes.io/network-unavailable", "NoSchedule"));
        }
        return t;
    }

    private static Toleration tol(String key, String effect) {
        return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
    }

    /** The pod's tolerations with the defaults added (those not already present). */
    public static List<Toleration> withDefaults(PodSpec spec) {
        List<Toleration> out = new ArrayList<>(spec.getTolerations() == null ? List.of() : spec.getTolerations());
        for (Toleration d : defaultTolerations(spec)) {
            if (out.stream().noneMatch(t -> d.getKey().equals(t.getKey()) && d.getEffect().equals(t.getEffect()))) {
                out.add(d);
            }
        }
        return out;
    }

    public static boolean shouldRun(PodSpec spec, Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (spec.getNodeSelector() != null) {
            for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (spec.getAffinity() != null && spec.getAffinity().getNodeAffinity() != null) {
            NodeSelector required = spec.getAffinity().getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution();
            if (required != null && !matches(required, node)) {
                return false;
            }
        }
        List<Toleration> tolerations = withDefaults(spec);
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint taint : node.getSpec().getTaints()) {
                if (("NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()))
                        && tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Terms are ORed, requirements within a term ANDed; an empty term matches nothing. */
    public static boolean matches(NodeSelector selector, Node node) {
        if (selector.getNodeSelectorTerms() == null) {
            return true;
        }
        for (NodeSelectorTerm term : selector.getNodeSelectorTerms()) {
            boolean empty = (term.getMatchExpressions() == null || term.getMatchExpressions().isEmpty())
                    && (term.getMatchFields() == null || term.getMatchFields().isEmpty());
            if (empty) {
                continue;
            }
            boolean ok = true;
            Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                    : node.getMetadata().getLabels();
            for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of()
                    : term.getMatchExpressions()) {
                ok &= requirement(r, labels.get(r.getKey()));
            }
            for (NodeSelectorRequirement r : term.getMatchFields() == null ? List.<NodeSelectorRequirement>of()
                    : term.getMatchFields()) {
                ok &= r.getKey().equals("metadata.name") && requirement(r, node.getMetadata().getName());
            }
            if (ok) {
                return true;
            }
        }
        return false;
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

    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if ("Exists".equals(t.getOperator())) {
            return t.getKey() == null || t.getKey().isEmpty() || t.getKey().equals(taint.getKey());
        }
        return taint.getKey().equals(t.getKey()) && java.util.Objects.equals(
                t.getValue() == null ? "" : t.getValue(), taint.getValue() == null ? "" : taint.getValue());
    }
}
