package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
 * Topology spread constraints. Filter (whenUnsatisfiable DoNotSchedule): on the node's domain, matching pods + the
 * pod itself (when it matches) - the minimum over eligible domains (0 when fewer than minDomains) must not exceed
 * maxSkew; eligible nodes honour the pod's node affinity/selector and ignore taints by default
 * (nodeAffinityPolicy/nodeTaintsPolicy). Score (ScheduleAnyway): fewer matching pods in the node's domains is
 * better, each constraint weighted by log(domains + 2), normalized so the emptiest node gets 100. A pod without
 * constraints gets upstream's system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) over
 * the selectors of the Services, ReplicationControllers, ReplicaSets and StatefulSets that select it: this is the
 * default spreading that replaced SelectorSpread.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "PodTopologySpread";
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    public static final String MISSING_LABEL_REASON =
            "node(s) didn't match pod topology spread constraints (missing required label)";
    static final String HOSTNAME = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";
    private static final String FILTER_KEY = "PreFilter" + NAME;
    private static final String SCORE_KEY = "PreScore" + NAME;

    /** A constraint with its defaults applied and matchLabelKeys merged into the selector. */
    record Constraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains,
            boolean honorNodeAffinity, boolean honorTaints) {
    }

    record Pair(String key, String value) {
    }

    record FilterState(List<Constraint> constraints, Map<Pair, Integer> counts, int[] minMatch) {
    }

    record ScoreState(List<Constraint> constraints, Set<String> ignored, Map<Pair, Long> counts, double[] weights) {
    }

    private final Listers listers;
    private final boolean systemDefaults;

    public PodTopologySpread(Listers listers) {
        this(listers, true);
    }

    public PodTopologySpread(Listers listers, boolean systemDefaults) {
        this.listers = listers;
        this.systemDefaults = systemDefaults;
    }

    @Override
    public String name() {
        return NAME;
    }

    static List<Constraint> constraints(Pod pod, String whenUnsatisfiable) {
        List<Constraint> out = new ArrayList<>();
        if (pod.getSpec().getTopologySpreadConstraints() == null) {
            return out;
        }
        for (TopologySpreadConstraint c : pod.getSpec().getTopologySpreadConstraints()) {
            if (!whenUnsatisfiable.equals(c.getWhenUnsatisfiable())) {
                continue;
            }
            LabelSelector sel = c.getLabelSelector();
            if (sel != null && c.getMatchLabelKeys() != null && !c.getMatchLabelKeys().isEmpty()) {
                Map<String, String> podLabels = pod.getMetadata().getLabels() == null ? Map.of()
                        : pod.getMetadata().getLabels();
                List<LabelSelectorRequirement> exprs = new ArrayList<>(
                        sel.getMatchExpressions() == null ? List.of() : sel.getMatchExpressions());
                for (String k : c.getMatchLabelKeys()) {
                    if (podLabels.containsKey(k)) {
                        exprs.add(new LabelSelectorRequirementBuilder().withKey(k).withOperator("In")
                                .withValues(podLabels.get(k)).build());
                    }
                }
                sel = new LabelSelectorBuilder(sel).withMatchExpressions(exprs).build();
            }
            out.add(new Constraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(), c.getTopologyKey(), sel,
                    c.getMinDomains() == null ? 1 : c.getMinDomains(),
                    !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy())));
        }
        return out;
    }

    /** Whether the node counts for the constraint under its inclusion policies. */
    static boolean eligible(Constraint c, Pod pod, NodeInfo node) {
        if (c.honorNodeAffinity() && !NodeAffinity.matches(pod, node.node())) {
            return false;
        }
        if (c.honorTaints()) {
            List<Taint> taints = node.node().getSpec() == null ? null : node.node().getSpec().getTaints();
            if (taints != null) {
                for (Taint t : taints) {
                    boolean hard = "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect());
                    if (hard && !Tolerations.tolerates(pod.getSpec().getTolerations(), t)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    static boolean hasAllKeys(Map<String, String> labels, List<Constraint> cs) {
        for (Constraint c : cs) {
            if (!labels.containsKey(c.topologyKey())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Live pods of the node in {@code namespace} that {@code selector} selects. A selector of one matchLabels pair
     * (what Deployments and most workloads use) is answered from a per-node count of live pods by namespace and
     * label, so a cycle costs one lookup per node instead of a visit of every pod.
     */
    static int countMatching(NodeInfo node, LabelSelector selector, String namespace) {
        if (node.pods().isEmpty()) {
            return 0;
        }
        if (selector != null && selector.getMatchLabels() != null && selector.getMatchLabels().size() == 1
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())) {
            var e = selector.getMatchLabels().entrySet().iterator().next();
            Map<String, Integer> index = node.memo(NAME + "/labels", PodTopologySpread::liveLabelIndex);
            return index.getOrDefault(namespace + "/" + e.getKey() + "=" + e.getValue(), 0);
        }
        return countMatching(node.pods(), selector, namespace);
    }

    /** Live (not terminating) pods of the node by {@code namespace/key=value} of each of their labels. */
    static Map<String, Integer> liveLabelIndex(NodeInfo node) {
        Map<String, Integer> index = new HashMap<>();
        for (Pod p : node.pods()) {
            Map<String, String> l = p.getMetadata().getLabels();
            if (l != null && p.getMetadata().getDeletionTimestamp() == null) {
                for (Map.Entry<String, String> e : l.entrySet()) {
                    index.merge(p.getMetadata().getNamespace() + "/" + e.getKey() + "=" + e.getValue(), 1,
                            Integer::sum);
                }
            }
        }
        return index;
    }

    static int countMatching(List<Pod> pods, LabelSelector selector, String namespace) {
        int n = 0;
        for (Pod p : pods) {
            if (p.getMetadata().getDeletionTimestamp() == null && namespace.equals(p.getMetadata().getNamespace())
                    && LabelSelectors.matches(selector, p.getMetadata().getLabels())) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Status preFilter(CycleState state, Pod pod) {
        List<Constraint> cs = constraints(pod, "DoNotSchedule");
        if (cs.isEmpty()) {
            state.write(FILTER_KEY, new FilterState(cs, Map.of(), new int[0]));
            return Status.skip();
        }
        Map<Pair, Integer> counts = new HashMap<>();
        String ns = pod.getMetadata().getNamespace();
        for (NodeInfo n : state.nodes()) {
            Map<String, String> labels = n.labels();
            if (!hasAllKeys(labels, cs)) {
                continue;
            }
            for (Constraint c : cs) {
                if (!eligible(c, pod, n)) {
                    continue;
                }
                Pair pair = new Pair(c.topologyKey(), labels.get(c.topologyKey()));
                counts.merge(pair, countMatching(n, c.selector(), ns), Integer::sum);
            }
        }
        int[] min = new int[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            Constraint c = cs.get(i);
            int m = Integer.MAX_VALUE;
            int domains = 0;
            for (Map.Entry<Pair, Integer> e : counts.entrySet()) {
                if (e.getKey().key().equals(c.topologyKey())) {
                    domains++;
                    m = Math.min(m, e.getValue());
                }
            }
            min[i] = domains < c.minDomains() || m == Integer.MAX_VALUE ? 0 : m;
        }
        state.write(FILTER_KEY, new FilterState(cs, counts, min));
        return Status.success();
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState s = state.read(FILTER_KEY, FilterState.class);
        if (s == null) {
            preFilter(state, pod);
            s = state.read(FILTER_KEY, FilterState.class);
        }
        if (s.constraints().isEmpty()) {
            return Status.success();
        }
        Map<String, String> labels = node.labels();
        for (int i = 0; i < s.constraints().size(); i++) {
            Constraint c = s.constraints().get(i);
            String v = labels.get(c.topologyKey());
            if (v == null) {
                return Status.unresolvable(NAME, MISSING_LABEL_REASON);
            }
            int self = LabelSelectors.matches(c.selector(), pod.getMetadata().getLabels()) ? 1 : 0;
            int matchNum = s.counts().getOrDefault(new Pair(c.topologyKey(), v), 0);
            int skew = matchNum + self - s.minMatch()[i];
            if (skew > c.maxSkew()) {
                return Status.unschedulable(NAME, REASON);
            }
        }
        return Status.success();
    }

    /** The system default constraints over the selector of the pod's Services and owners; none without one. */
    List<Constraint> defaultConstraints(Pod pod) {
        if (!systemDefaults) {
            return List.of();
        }
        LabelSelector sel = defaultSelector(pod);
        if (sel == null) {
            return List.of();
        }
        return List.of(new Constraint(3, HOSTNAME, sel, 1, true, false),
                new Constraint(5, ZONE, sel, 1, true, false));
    }

    /** The conjunction of the selectors of the Services, RCs, ReplicaSets and StatefulSets selecting the pod. */
    LabelSelector defaultSelector(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || labels.isEmpty()) {
            return null;
        }
        Map<String, String> matchLabels = new HashMap<>();
        List<LabelSelectorRequirement> exprs = new ArrayList<>();
        for (Service s : listers.services(ns)) {
            if (s.getSpec() != null && LabelSelectors.mapSelects(s.getSpec().getSelector(), labels)) {
                matchLabels.putAll(s.getSpec().getSelector());
            }
        }
        for (ReplicationController rc : listers.replicationControllers(ns)) {
            if (rc.getSpec() != null && LabelSelectors.mapSelects(rc.getSpec().getSelector(), labels)) {
                matchLabels.putAll(rc.getSpec().getSelector());
            }
        }
        for (ReplicaSet rs : listers.replicaSets(ns)) {
            if (rs.getSpec() != null && selects(rs.getSpec().getSelector(), labels)) {
                addSelector(rs.getSpec().getSelector(), matchLabels, exprs);
            }
        }
        for (StatefulSet ss : listers.statefulSets(ns)) {
            if (ss.getSpec() != null && selects(ss.getSpec().getSelector(), labels)) {
                addSelector(ss.getSpec().getSelector(), matchLabels, exprs);
            }
        }
        if (matchLabels.isEmpty() && exprs.isEmpty()) {
            return null;
        }
        return new LabelSelectorBuilder().withMatchLabels(matchLabels).withMatchExpressions(exprs).build();
    }

    private static boolean selects(LabelSelector sel, Map<String, String> labels) {
        boolean empty = sel == null || ((sel.getMatchLabels() == null || sel.getMatchLabels().isEmpty())
                && (sel.getMatchExpressions() == null || sel.getMatchExpressions().isEmpty()));
        return !empty && LabelSelectors.matches(sel, labels);
    }

    private static void addSelector(LabelSelector sel, Map<String, String> matchLabels,
            List<LabelSelectorRequirement> exprs) {
        if (sel.getMatchLabels() != null) {
            matchLabels.putAll(sel.getMatchLabels());
        }
        if (sel.getMatchExpressions() != null) {
            exprs.addAll(sel.getMatchExpressions());
        }
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        List<Constraint> cs = constraints(pod, "ScheduleAnyway");
        // System default constraints do not require every topology key on a node; the pod's own do.
        boolean requireAll = true;
        if (!hasAnyConstraint(pod)) {
            cs = defaultConstraints(pod);
            requireAll = false;
        }
        if (cs.isEmpty()) {
            state.write(SCORE_KEY, new ScoreState(cs, Set.of(), Map.of(), new double[0]));
            return Status.success();
        }
        Set<String> ignored = new HashSet<>();
        Map<Pair, Long> counts = new HashMap<>();
        int[] sizes = new int[cs.size()];
        for (NodeInfo n : feasible) {
            Map<String, String> labels = n.labels();
            if (requireAll && !hasAllKeys(labels, cs)) {
                ignored.add(n.name());
                continue;
            }
            for (int i = 0; i < cs.size(); i++) {
                Constraint c = cs.get(i);
                if (c.topologyKey().equals(HOSTNAME)) {
                    continue;
                }
                Pair pair = new Pair(c.topologyKey(), labels.getOrDefault(c.topologyKey(), ""));
                if (!counts.containsKey(pair)) {
                    counts.put(pair, 0L);
                    sizes[i]++;
                }
            }
        }
        double[] weights = new double[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            int size = cs.get(i).topologyKey().equals(HOSTNAME) ? feasible.size() - ignored.size() : sizes[i];
            weights[i] = Math.log(size + 2);
        }
        String ns = pod.getMetadata().getNamespace();
        for (NodeInfo n : state.nodes()) {
            Map<String, String> labels = n.labels();
            if (requireAll && !hasAllKeys(labels, cs)) {
                continue;
            }
            for (Constraint c : cs) {
                if (!eligible(c, pod, n)) {
                    continue;
                }
                Pair pair = new Pair(c.topologyKey(), labels.getOrDefault(c.topologyKey(), ""));
                if (counts.containsKey(pair)) {
                    counts.merge(pair, (long) countMatching(n, c.selector(), ns), Long::sum);
                }
            }
        }
        state.write(SCORE_KEY, new ScoreState(cs, ignored, counts, weights));
        return Status.success();
    }

    private static boolean hasAnyConstraint(Pod pod) {
        return pod.getSpec().getTopologySpreadConstraints() != null
                && !pod.getSpec().getTopologySpreadConstraints().isEmpty();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        ScoreState s = state.read(SCORE_KEY, ScoreState.class);
        if (s == null || s.constraints().isEmpty() || s.ignored().contains(node.name())) {
            return 0;
        }
        Map<String, String> labels = node.labels();
        double score = 0;
        for (int i = 0; i < s.constraints().size(); i++) {
            Constraint c = s.constraints().get(i);
            String v = labels.get(c.topologyKey());
            if (v == null) {
                continue;
            }
            long cnt = c.topologyKey().equals(HOSTNAME)
                    ? countMatching(node, c.selector(), pod.getMetadata().getNamespace())
                    : s.counts().getOrDefault(new Pair(c.topologyKey(), v), 0L);
            score += cnt * s.weights()[i] + (c.maxSkew() - 1);
        }
        return Math.round(score);
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        ScoreState s = state.read(SCORE_KEY, ScoreState.class);
        if (s == null || s.constraints().isEmpty()) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (Map.Entry<String, Long> e : scores.entrySet()) {
            if (s.ignored().contains(e.getKey())) {
                continue;
            }
            min = Math.min(min, e.getValue());
            max = Math.max(max, e.getValue());
        }
        long lo = min;
        long hi = max;
        scores.replaceAll((n, v) -> {
            if (s.ignored().contains(n)) {
                return 0L;
            }
            if (hi == 0) {
                return MAX_NODE_SCORE;
            }
            return MAX_NODE_SCORE * (hi + lo - v) / hi;
        });
    }
}
