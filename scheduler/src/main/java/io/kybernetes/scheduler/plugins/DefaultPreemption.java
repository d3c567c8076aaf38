package io.kybernetes.scheduler.plugins;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.LabelSelectors;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PostFilterPlugin;
import io.kybernetes.scheduler.framework.PreemptionActions;
import io.kybernetes.scheduler.framework.Priorities;
import io.kybernetes.scheduler.framework.Status;

/**
 * PostFilter: preemption as upstream's DefaultPreemption. On every node that failed with a resolvable status, all
 * lower-priority pods are removed and the profile's PreFilter and Filter run again; if the pod then fits, victims
 * are reprieved one by one, most important first (PodDisruptionBudget-violating ones before the others) while the
 * pod still fits. The node is chosen by fewest PDB violations, then lowest highest-victim priority, lowest sum of
 * priorities, fewest victims, latest start of the highest-priority victims. The victims are deleted and the pod
 * nominated to the node. Every potential node is tried (upstream samples at least 100 or 10% of them).
 */
public final class DefaultPreemption implements PostFilterPlugin {

    public static final String NAME = "DefaultPreemption";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";

    /** Victims on one node and how many of them violate a PodDisruptionBudget. */
    record Candidate(String node, List<Pod> victims, int pdbViolations) {
    }

    private final Listers listers;
    private final PreemptionActions actions;

    public DefaultPreemption(Listers listers, PreemptionActions actions) {
        this.listers = listers;
        this.actions = actions;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result postFilter(Framework framework, CycleState state, Pod pod, Map<String, Status> nodeStatuses) {
        if ("Never".equals(pod.getSpec().getPreemptionPolicy())) {
            return fail("preemption: not eligible due to preemptionPolicy=Never");
        }
        List<NodeInfo> nodes = state.nodes();
        String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        if (nominated != null && !nominated.isEmpty()) {
            for (NodeInfo n : nodes) {
                if (n.name().equals(nominated) && n.pods().stream().anyMatch(p -> p.getMetadata()
                        .getDeletionTimestamp() != null && Priorities.of(p) < Priorities.of(pod))) {
                    return fail("preemption: not eligible due to a terminating pod on the nominated node");
                }
            }
        }
        Map<String, String> failures = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            Status s = nodeStatuses.get(n.name());
            if (s == null || s.code() != Status.Code.UNSCHEDULABLE) {
                failures.put(n.name(), NOT_HELPFUL);
                continue;
            }
            Object result = selectVictims(framework, pod, nodes, i);
            if (result instanceof Candidate c) {
                candidates.add(c);
            } else {
                failures.put(n.name(), (String) result);
            }
        }
        if (candidates.isEmpty()) {
            Map<String, Integer> counts = new TreeMap<>();
            failures.values().forEach(r -> counts.merge(r, 1, Integer::sum));
            List<String> parts = new ArrayList<>();
            counts.forEach((r, c) -> parts.add(c + " " + r));
            parts.sort(null);
            return fail("preemption: 0/" + nodes.size() + " nodes are available: " + String.join(", ", parts));
        }
        Candidate best = pick(candidates);
        actions.preempt(pod, best.node(), best.victims());
        return new Result(best.node(), Status.success());
    }

    private static Result fail(String message) {
        return new Result(null, Status.unschedulable(NAME, message));
    }

    /** A {@link Candidate}, or the reason why preemption on this node does not help. */
    Object selectVictims(Framework framework, Pod pod, List<NodeInfo> nodes, int index) {
        NodeInfo node = nodes.get(index);
        int prio = Priorities.of(pod);
        List<Pod> lower = new ArrayList<>();
        List<Pod> kept = new ArrayList<>();
        for (Pod p : node.pods()) {
            (Priorities.of(p) < prio ? lower : kept).add(p);
        }
        if (lower.isEmpty()) {
            return NO_VICTIMS;
        }
        Status fits = fits(framework, pod, nodes, index, kept);
        if (!fits.isSuccess()) {
            return fits.reasons().isEmpty() ? NO_VICTIMS : fits.reasons().get(0);
        }
        lower.sort(MORE_IMPORTANT);
        List<Pod> violating = new ArrayList<>();
        List<Pod> nonViolating = new ArrayList<>();
        splitByPdb(lower, violating, nonViolating);
        List<Pod> victims = new ArrayList<>();
        int violations = 0;
        for (List<Pod> group : List.of(violating, nonViolating)) {
            for (Pod p : group) {
                kept.add(p);
                if (!fits(framework, pod, nodes, index, kept).isSuccess()) {
                    kept.remove(kept.size() - 1);
                    victims.add(p);
                    if (group == violating) {
                        violations++;
                    }
                }
            }
        }
        if (victims.isEmpty()) {
            return NO_VICTIMS;
        }
        return new Candidate(node.name(), victims, violations);
    }

    private static Status fits(Framework framework, Pod pod, List<NodeInfo> nodes, int index, List<Pod> kept) {
        List<NodeInfo> snapshot = new ArrayList<>(nodes);
        NodeInfo reduced = new NodeInfo(nodes.get(index).node(), kept);
        snapshot.set(index, reduced);
        CycleState state = new CycleState(snapshot);
        Status pre = framework.runPreFilters(state, pod);
        if (!pre.isSuccess()) {
            return pre;
        }
        return framework.runFilters(state, pod, reduced);
    }

    /** Higher priority first, then the earlier started. */
    static final Comparator<Pod> MORE_IMPORTANT = Comparator.comparingInt((Pod p) -> -Priorities.of(p))
            .thenComparing(DefaultPreemption::startTime);

    static Instant startTime(Pod p) {
        String t = p.getStatus() != null && p.getStatus().getStartTime() != null ? p.getStatus().getStartTime()
                : p.getMetadata().getCreationTimestamp();
        try {
            return t == null ? Instant.MAX : Instant.parse(t);
        } catch (RuntimeException e) {
            return Instant.MAX;
        }
    }

    /** Best effort as upstream: a PDB with no disruptions left is violated by each further matching victim. */
    void splitByPdb(List<Pod> pods, List<Pod> violating, List<Pod> nonViolating) {
        Map<String, Integer> allowed = new HashMap<>();
        for (Pod p : pods) {
            boolean violates = false;
            for (PodDisruptionBudget pdb : listers.podDisruptionBudgets(p.getMetadata().getNamespace())) {
                if (pdb.getSpec() == null || pdb.getSpec().getSelector() == null
                        || !LabelSelectors.matches(pdb.getSpec().getSelector(), p.getMetadata().getLabels())) {
                    continue;
                }
                var selector = pdb.getSpec().getSelector();
                if ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())) {
                    continue; // an empty selector matches nothing for PDBs
                }
                var status = pdb.getStatus();
                if (status != null && status.getDisruptedPods() != null
                        && status.getDisruptedPods().containsKey(p.getMetadata().getName())) {
                    continue;
                }
                String key = pdb.getMetadata().getNamespace() + "/" + pdb.getMetadata().getName();
                int left = allowed.computeIfAbsent(key, k -> status == null || status.getDisruptionsAllowed() == null
                        ? 0 : status.getDisruptionsAllowed()) - 1;
                allowed.put(key, left);
                if (left < 0) {
                    violates = true;
                }
            }
            (violates ? violating : nonViolating).add(p);
        }
    }

    /** Upstream's pickOneNodeForPreemption criteria, in order. */
    static Candidate pick(List<Candidate> candidates) {
        Comparator<Candidate> order = Comparator.comparingInt(Candidate::pdbViolations)
                .thenComparingInt(c -> highest(c.victims()))
                .thenComparingLong(c -> c.victims().stream().mapToLong(p -> (long) Priorities.of(p)
                        + Integer.MAX_VALUE + 1L).sum())
                .thenComparingInt(c -> c.victims().size())
                .thenComparing(c -> earliestStartOfHighest(c.victims()), Comparator.reverseOrder());
        Candidate best = candidates.get(0);
        for (Candidate c : candidates) {
            if (order.compare(c, best) < 0) {
                best = c;
            }
        }
        return best;
    }

    static int highest(List<Pod> victims) {
        return victims.stream().mapToInt(Priorities::of).max().orElse(Integer.MIN_VALUE);
    }

    static Instant earliestStartOfHighest(List<Pod> victims) {
        int high = highest(victims);
        return victims.stream().filter(p -> Priorities.of(p) == high).map(DefaultPreemption::startTime)
                .min(Comparator.naturalOrder()).orElse(Instant.MAX);
    }
}
