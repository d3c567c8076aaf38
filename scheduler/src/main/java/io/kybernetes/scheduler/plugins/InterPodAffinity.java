package io.kybernetes.scheduler.plugins;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.LabelSelectors;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.PreScorePlugin;
import io.kybernetes.scheduler.framework.ScorePlugin;
import io.kybernetes.scheduler.framework.Status;

/**
 * Pod affinity and anti-affinity between pods, per topology domain (a node label value for the term's
 * topologyKey). Filter, in upstream's order: the pod's required affinity terms must each find a matching pod in
 * the node's domain (or, when no pod anywhere matches, the pod must match its own terms: the first of a group);
 * its required anti-affinity terms must find none; and no existing pod's required anti-affinity term may match the
 * pod in the node's domain. Score: preferred terms of both sides (and existing pods' required affinity terms
 * with hardPodAffinityWeight 1) sum their weights per domain, normalized between the lowest and highest node.
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "InterPodAffinity";
    public static final String AFFINITY_REASON = "node(s) didn't match pod affinity rules";
    public static final String ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules";
    public static final String EXISTING_ANTI_AFFINITY_REASON =
            "node(s) didn't satisfy existing pods anti-affinity rules";
    static final int HARD_POD_AFFINITY_WEIGHT = 1;
    private static final String FILTER_KEY = "PreFilter" + NAME;
    private static final String SCORE_KEY = "PreScore" + NAME;

    record Pair(String key, String value) {
    }

    record FilterState(List<PodAffinityTerm> affinity, List<PodAffinityTerm> antiAffinity,
            Map<Pair, Integer> affinityCounts, Map<Pair, Integer> antiAffinityCounts,
            Map<Pair, Integer> existingAntiAffinityCounts) {
    }

    private final Listers listers;

    public InterPodAffinity(Listers listers) {
        this.listers = listers;
    }

    @Override
    public String name() {
        return NAME;
    }

    static List<PodAffinityTerm> requiredAffinity(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        return a == null || a.getPodAffinity() == null
                || a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null ? List.of()
                : a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }

    static List<PodAffinityTerm> requiredAntiAffinity(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        return a == null || a.getPodAntiAffinity() == null
                || a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null ? List.of()
                : a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }

    static List<WeightedPodAffinityTerm> preferredAffinity(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        return a == null || a.getPodAffinity() == null
                || a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null ? List.of()
                : a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    }

    static List<WeightedPodAffinityTerm> preferredAntiAffinity(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        return a == null || a.getPodAntiAffinity() == null
                || a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null ? List.of()
                : a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    }

    /**
     * Whether {@code term}, written in a pod of namespace {@code ownerNamespace}, selects {@code target}: its
     * namespace is listed or selected by namespaceSelector (both empty: the owner's namespace), and its labels
     * match labelSelector.
     */
    boolean matches(PodAffinityTerm term, String ownerNamespace, Pod target) {
        String ns = target.getMetadata().getNamespace();
        List<String> names = term.getNamespaces() == null ? List.of() : term.getNamespaces();
        boolean nsOk;
        if (names.isEmpty() && term.getNamespaceSelector() == null) {
            nsOk = ns.equals(ownerNamespace);
        } else {
            nsOk = names.contains(ns);
            if (!nsOk && term.getNamespaceSelector() != null) {
                Map<String, String> nsLabels = listers.namespaceLabels(ns);
                boolean empty = (term.getNamespaceSelector().getMatchLabels() == null
                        || term.getNamespaceSelector().getMatchLabels().isEmpty())
                        && (term.getNamespaceSelector().getMatchExpressions() == null
                                || term.getNamespaceSelector().getMatchExpressions().isEmpty());
                nsOk = empty || (nsLabels != null && LabelSelectors.matches(term.getNamespaceSelector(), nsLabels));
            }
        }
        return nsOk && LabelSelectors.matches(term.getLabelSelector(), target.getMetadata().getLabels());
    }

    private boolean matchesAll(List<PodAffinityTerm> terms, String ownerNamespace, Pod target) {
        if (terms.isEmpty()) {
            return false;
        }
        for (PodAffinityTerm t : terms) {
            if (!matches(t, ownerNamespace, target)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Status preFilter(CycleState state, Pod pod) {
        List<PodAffinityTerm> aff = requiredAffinity(pod);
        List<PodAffinityTerm> anti = requiredAntiAffinity(pod);
        String ns = pod.getMetadata().getNamespace();
        Map<Pair, Integer> affCounts = new HashMap<>();
        Map<Pair, Integer> antiCounts = new HashMap<>();
        Map<Pair, Integer> existing = new HashMap<>();
        // As upstream: existing pods' anti-affinity comes from the per-node lists. The incoming pod's own terms
        // visit every pod, unless each is a single matchLabels pair in the pod's namespace: then a per-node count
        // of pods by namespace and label answers it in one lookup per node.
        boolean incoming = !aff.isEmpty() || !anti.isEmpty();
        boolean indexed = anti.stream().allMatch(InterPodAffinity::singleLabel)
                && (aff.isEmpty() || (aff.size() == 1 && singleLabel(aff.get(0))));
        // Without terms of its own, only nodes holding pods with required anti-affinity matter (upstream's list).
        for (NodeInfo n : incoming ? state.nodes() : state.nodesWithPodsWithRequiredAntiAffinity()) {
            List<Pod> withAnti = n.podsWithRequiredAntiAffinity();
            if (withAnti.isEmpty() && (!incoming || n.pods().isEmpty())) {
                continue;
            }
            Map<String, String> labels = n.labels();
            if (!withAnti.isEmpty()) {
                ExistingAnti ea = n.memo(NAME + "/existingAnti", InterPodAffinity::existingAnti);
                Map<String, String> podLabels = pod.getMetadata().getLabels();
                if (podLabels != null && !ea.bySingleLabel().isEmpty()) {
                    for (Map.Entry<String, String> l : podLabels.entrySet()) {
                        List<String> keys = ea.bySingleLabel().get(ns + "/" + l.getKey() + "=" + l.getValue());
                        if (keys != null) {
                            for (String key : keys) {
                                String v = labels.get(key);
                                if (v != null) {
                                    existing.merge(new Pair(key, v), 1, Integer::sum);
                                }
                            }
                        }
                    }
                }
                for (Map.Entry<Pod, PodAffinityTerm> e : ea.others()) {
                    PodAffinityTerm t = e.getValue();
                    String v = labels.get(t.getTopologyKey());
                    if (v != null && matches(t, e.getKey().getMetadata().getNamespace(), pod)) {
                        existing.merge(new Pair(t.getTopologyKey(), v), 1, Integer::sum);
                    }
                }
            }
            if (!incoming) {
                continue;
            }
            if (indexed) {
                Map<String, Integer> index = n.memo(NAME + "/labels", InterPodAffinity::labelIndex);
                for (PodAffinityTerm t : aff) {
                    count(affCounts, labels, t, index.getOrDefault(indexKey(ns, t), 0));
                }
                for (PodAffinityTerm t : anti) {
                    count(antiCounts, labels, t, index.getOrDefault(indexKey(ns, t), 0));
                }
                continue;
            }
            for (Pod p : n.pods()) {
                if (!aff.isEmpty() && matchesAll(aff, ns, p)) {
                    for (PodAffinityTerm t : aff) {
                        String v = labels.get(t.getTopologyKey());
                        if (v != null) {
                            affCounts.merge(new Pair(t.getTopologyKey(), v), 1, Integer::sum);
                        }
                    }
                }
                for (PodAffinityTerm t : anti) {
                    String v = labels.get(t.getTopologyKey());
                    if (v != null && matches(t, ns, p)) {
                        antiCounts.merge(new Pair(t.getTopologyKey(), v), 1, Integer::sum);
                    }
                }
            }
        }
        state.write(FILTER_KEY, new FilterState(aff, anti, affCounts, antiCounts, existing));
        // nothing for Filter to check on any node: no terms of its own, no existing pod's anti-affinity matches it
        return aff.isEmpty() && anti.isEmpty() && existing.isEmpty() ? Status.skip() : Status.success();
    }

    /**
     * The required anti-affinity terms of a node's pods: single-label terms by {@code namespace/key=value} (to their
     * topology keys, one entry per term), the rest with their pod.
     */
    record ExistingAnti(Map<String, List<String>> bySingleLabel, List<Map.Entry<Pod, PodAffinityTerm>> others) {
    }

    /** The node's pods whose terms can add to a score: required affinity or preferred (anti-)affinity. */
    static List<Pod> scoringPods(NodeInfo node) {
        List<Pod> out = new java.util.ArrayList<>();
        for (Pod p : node.podsWithAffinity()) {
            if (!requiredAffinity(p).isEmpty() || !preferredAffinity(p).isEmpty()
                    || !preferredAntiAffinity(p).isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    static ExistingAnti existingAnti(NodeInfo node) {
        Map<String, List<String>> bySingleLabel = new HashMap<>();
        List<Map.Entry<Pod, PodAffinityTerm>> others = new java.util.ArrayList<>();
        for (Pod p : node.podsWithRequiredAntiAffinity()) {
            for (PodAffinityTerm t : requiredAntiAffinity(p)) {
                if (singleLabel(t)) {
                    bySingleLabel.computeIfAbsent(indexKey(p.getMetadata().getNamespace(), t),
                            k -> new java.util.ArrayList<>()).add(t.getTopologyKey());
                } else {
                    others.add(Map.entry(p, t));
                }
            }
        }
        return new ExistingAnti(bySingleLabel, others);
    }

    /** A term selecting pods of the owner's namespace by exactly one label (the common case). */
    static boolean singleLabel(PodAffinityTerm t) {
        var sel = t.getLabelSelector();
        return sel != null && sel.getMatchLabels() != null && sel.getMatchLabels().size() == 1
                && (sel.getMatchExpressions() == null || sel.getMatchExpressions().isEmpty())
                && (t.getNamespaces() == null || t.getNamespaces().isEmpty()) && t.getNamespaceSelector() == null;
    }

    private static String indexKey(String namespace, PodAffinityTerm t) {
        var e = t.getLabelSelector().getMatchLabels().entrySet().iterator().next();
        return namespace + "/" + e.getKey() + "=" + e.getValue();
    }

    /** Pods on the node by {@code namespace/key=value} of each of their labels. */
    static Map<String, Integer> labelIndex(NodeInfo node) {
        Map<String, Integer> index = new HashMap<>();
        for (Pod p : node.pods()) {
            Map<String, String> l = p.getMetadata().getLabels();
            if (l != null) {
                for (Map.Entry<String, String> e : l.entrySet()) {
                    index.merge(p.getMetadata().getNamespace() + "/" + e.getKey() + "=" + e.getValue(), 1,
                            Integer::sum);
                }
            }
        }
        return index;
    }

    private static void count(Map<Pair, Integer> counts, Map<String, String> labels, PodAffinityTerm t, int pods) {
        String v = labels.get(t.getTopologyKey());
        if (pods > 0 && v != null) {
            counts.merge(new Pair(t.getTopologyKey(), v), pods, Integer::sum);
        }
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState s = state.read(FILTER_KEY, FilterState.class);
        if (s == null) {
            preFilter(state, pod);
            s = state.read(FILTER_KEY, FilterState.class);
        }
        Map<String, String> labels = node.labels();
        if (!s.affinity().isEmpty()) {
            boolean podsExist = true;
            for (PodAffinityTerm t : s.affinity()) {
                String v = labels.get(t.getTopologyKey());
                if (v == null) {
                    return Status.unresolvable(NAME, AFFINITY_REASON);
                }
                if (s.affinityCounts().getOrDefault(new Pair(t.getTopologyKey(), v), 0) <= 0) {
                    podsExist = false;
                }
            }
            if (!podsExist && !(s.affinityCounts().isEmpty()
                    && matchesAll(s.affinity(), pod.getMetadata().getNamespace(), pod))) {
                return Status.unresolvable(NAME, AFFINITY_REASON);
            }
        }
        for (PodAffinityTerm t : s.antiAffinity()) {
            String v = labels.get(t.getTopologyKey());
            if (v != null && s.antiAffinityCounts().getOrDefault(new Pair(t.getTopologyKey(), v), 0) > 0) {
                return Status.unschedulable(NAME, ANTI_AFFINITY_REASON);
            }
        }
        if (!s.existingAntiAffinityCounts().isEmpty()) {
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (s.existingAntiAffinityCounts().getOrDefault(new Pair(l.getKey(), l.getValue()), 0) > 0) {
                    return Status.unschedulable(NAME, EXISTING_ANTI_AFFINITY_REASON);
                }
            }
        }
        return Status.success();
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        Map<Pair, Long> scores = new HashMap<>();
        String ns = pod.getMetadata().getNamespace();
        List<WeightedPodAffinityTerm> prefAff = preferredAffinity(pod);
        List<WeightedPodAffinityTerm> prefAnti = preferredAntiAffinity(pod);
        boolean incoming = !prefAff.isEmpty() || !prefAnti.isEmpty();
        for (NodeInfo n : incoming ? state.nodes() : state.nodesWithPodsWithAffinity()) {
            List<Pod> visit = incoming ? n.pods() : n.podsWithAffinity();
            if (visit.isEmpty()) {
                continue;
            }
            if (!incoming) {
                // pods with nothing but required anti-affinity add no score
                visit = n.memo(NAME + "/scoring", InterPodAffinity::scoringPods);
                if (visit.isEmpty()) {
                    continue;
                }
            }
            Map<String, String> labels = n.labels();
            for (Pod p : visit) {
                if (incoming) {
                    add(scores, labels, prefAff, ns, p, 1);
                    add(scores, labels, prefAnti, ns, p, -1);
                }
                String pns = p.getMetadata().getNamespace();
                for (PodAffinityTerm t : requiredAffinity(p)) {
                    String v = labels.get(t.getTopologyKey());
                    if (v != null && matches(t, pns, pod)) {
                        scores.merge(new Pair(t.getTopologyKey(), v), (long) HARD_POD_AFFINITY_WEIGHT, Long::sum);
                    }
                }
                add(scores, labels, preferredAffinity(p), pns, pod, 1);
                add(scores, labels, preferredAntiAffinity(p), pns, pod, -1);
            }
        }
        state.write(SCORE_KEY, scores);
        return Status.success();
    }

    private void add(Map<Pair, Long> scores, Map<String, String> labels, List<WeightedPodAffinityTerm> terms,
            String ownerNamespace, Pod target, int sign) {
        for (WeightedPodAffinityTerm w : terms) {
            PodAffinityTerm t = w.getPodAffinityTerm();
            if (t == null || w.getWeight() == null || w.getWeight() == 0) {
                continue;
            }
            String v = labels.get(t.getTopologyKey());
            if (v != null && matches(t, ownerNamespace, target)) {
                scores.merge(new Pair(t.getTopologyKey(), v), (long) sign * w.getWeight(), Long::sum);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Map<Pair, Long> scores = state.read(SCORE_KEY, Map.class);
        if (scores == null || scores.isEmpty()) {
            return 0;
        }
        long sum = 0;
        for (Map.Entry<String, String> l : node.labels().entrySet()) {
            sum += scores.getOrDefault(new Pair(l.getKey(), l.getValue()), 0L);
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        if (scores.isEmpty()) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long v : scores.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        long diff = max - min;
        long lo = min;
        scores.replaceAll((n, v) -> diff > 0 ? (long) (MAX_NODE_SCORE * ((double) (v - lo) / diff)) : 0L);
    }

}
