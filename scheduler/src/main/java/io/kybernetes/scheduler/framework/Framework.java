package io.kybernetes.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.fabric8.kubernetes.api.model.Pod;

/** Runs one profile's plugins over a snapshot of the nodes and picks a node for a pod. */
public final class Framework {

    /** A score plugin with its weight in the weighted sum. */
    public record WeightedScore(ScorePlugin plugin, int weight) {
    }

    /** Either a chosen node or the reasons why none fits. */
    public record Result(String node, FitError fitError) {
        public boolean scheduled() {
            return node != null;
        }
    }

    private final List<PreFilterPlugin> preFilters;
    private final List<FilterPlugin> filters;
    private final List<WeightedScore> scores;
    private final Random random;

    public Framework(List<PreFilterPlugin> preFilters, List<FilterPlugin> filters, List<WeightedScore> scores,
            Random random) {
        this.preFilters = List.copyOf(preFilters);
        this.filters = List.copyOf(filters);
        this.scores = List.copyOf(scores);
        this.random = random;
    }

    public List<FilterPlugin> filters() {
        return filters;
    }

    public Result schedule(Pod pod, List<NodeInfo> nodes) {
        CycleState state = new CycleState();
        for (PreFilterPlugin p : preFilters) {
            Status s = p.preFilter(state, pod);
            if (!s.isSuccess()) {
                return new Result(null, new FitError(nodes.size(), s, Map.of()));
            }
        }
        Map<String, Status> failed = new LinkedHashMap<>();
        List<NodeInfo> feasible = new ArrayList<>();
        for (NodeInfo n : nodes) {
            Status s = runFilters(state, pod, n);
            if (s.isSuccess()) {
                feasible.add(n);
            } else {
                failed.put(n.name(), s);
            }
        }
        if (feasible.isEmpty()) {
            return new Result(null, new FitError(nodes.size(), null, failed));
        }
        if (feasible.size() == 1) {
            return new Result(feasible.get(0).name(), null);
        }
        return new Result(select(prioritize(state, pod, feasible)), null);
    }

    /** Filters run in profile order; the first failure decides (as upstream without all-reasons mode). */
    Status runFilters(CycleState state, Pod pod, NodeInfo node) {
        for (FilterPlugin f : filters) {
            Status s = f.filter(state, pod, node);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return Status.success();
    }

    /** The weighted sum of every score plugin's normalized score, per node name, in input order. */
    public Map<String, Long> prioritize(CycleState state, Pod pod, List<NodeInfo> feasible) {
        Map<String, Long> total = new LinkedHashMap<>();
        feasible.forEach(n -> total.put(n.name(), 0L));
        for (WeightedScore ws : scores) {
            Map<String, Long> s = new HashMap<>();
            for (NodeInfo n : feasible) {
                s.put(n.name(), ws.plugin().score(state, pod, n));
            }
            ws.plugin().normalize(state, pod, s);
            s.forEach((node, v) -> total.merge(node, v * ws.weight(), Long::sum));
        }
        return total;
    }

    /** The highest total; a uniformly random one among ties (reservoir sampling, as upstream). */
    String select(Map<String, Long> totals) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        int ties = 0;
        for (Map.Entry<String, Long> e : totals.entrySet()) {
            if (e.getValue() > bestScore) {
                best = e.getKey();
                bestScore = e.getValue();
                ties = 1;
            } else if (e.getValue() == bestScore) {
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = e.getKey();
                }
            }
        }
        return best;
    }
}
