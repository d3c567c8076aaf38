package io.kybernetes.scheduler.plugins;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.ScorePlugin;
import io.kybernetes.scheduler.framework.Status;

/**
 * spec.nodeSelector (every label must match) and requiredDuringSchedulingIgnoredDuringExecution node affinity
 * (any term; within a term every requirement) must match the node. Score: the sum of the weights of the
 * matching preferredDuringSchedulingIgnoredDuringExecution terms, normalized so the best node gets 100.
 */
public final class NodeAffinity implements FilterPlugin, ScorePlugin {

    public static final String NAME = "NodeAffinity";
    public static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (!constrains(pod)) {
            return Status.success(); // the common pod: no need to read the node at all
        }
        return matches(pod, node.node()) ? Status.success() : Status.unresolvable(NAME, REASON);
    }

    /** Whether the pod has a nodeSelector or required node affinity terms. */
    static boolean constrains(Pod pod) {
        var selector = pod.getSpec().getNodeSelector();
        if (selector != null && !selector.isEmpty()) {
            return true;
        }
        var affinity = pod.getSpec().getAffinity();
        return affinity != null && affinity.getNodeAffinity() != null
                && affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null;
    }

    static boolean matches(Pod pod, Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                : node.getMetadata().getLabels();
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null) {
            for (Map.Entry<String, String> e : selector.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null) {
            return true;
        }
        NodeSelector required = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null || required.getNodeSelectorTerms() == null) {
            return true;
        }
        for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
            if (termMatches(term, labels, node.getMetadata().getName())) {
                return true;
            }
        }
        return false;
    }

    static boolean termMatches(NodeSelectorTerm term, Map<String, String> labels, String nodeName) {
        List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of()
                : term.getMatchExpressions();
        List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
        if (exprs.isEmpty() && fields.isEmpty()) {
            return false; // an empty term matches nothing
        }
        for (NodeSelectorRequirement r : exprs) {
            if (!requirementMatches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
                return false;
            }
        }
        for (NodeSelectorRequirement r : fields) {
            if (!"metadata.name".equals(r.getKey()) || !requirementMatches(r, nodeName, true)) {
                return false;
            }
        }
        return true;
    }

    static boolean requirementMatches(NodeSelectorRequirement r, String value, boolean present) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        switch (r.getOperator()) {
            case "In":
                return present && values.contains(value);
            case "NotIn":
                return !present || !values.contains(value);
            case "Exists":
                return present;
            case "DoesNotExist":
                return !present;
            case "Gt":
            case "Lt":
                if (!present || values.size() != 1) {
                    return false;
                }
                try {
                    long have = Long.parseLong(value);
                    long want = Long.parseLong(values.get(0));
                    return r.getOperator().equals("Gt") ? have > want : have < want;
                } catch (NumberFormatException e) {
                    return false;
                }
            default:
                return false;
        }
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
            return 0;
        }
        long sum = 0;
        for (PreferredSchedulingTerm t : affinity.getNodeAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution()) {
            if (t.getWeight() != null && t.getWeight() != 0 && t.getPreference() != null
                    && termMatches(t.getPreference(), node.labels(), node.name())) {
                sum += t.getWeight();
            }
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        defaultNormalize(scores, false);
    }

    /** Upstream's DefaultNormalizeScore: scale to [0, 100] by the maximum, optionally reversed. */
    static void defaultNormalize(Map<String, Long> scores, boolean reverse) {
        long max = scores.isEmpty() ? 0 : Collections.max(scores.values());
        if (max == 0) {
            if (reverse) {
                scores.replaceAll((n, v) -> MAX_NODE_SCORE);
            }
            return;
        }
        scores.replaceAll((n, v) -> reverse ? MAX_NODE_SCORE - MAX_NODE_SCORE * v / max : MAX_NODE_SCORE * v / max);
    }
}
