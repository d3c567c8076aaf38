package io.kybernetes.scheduler.framework;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs one profile's plugins over a snapshot of the nodes and picks a node for a pod: PreFilter, Filter (until
 * enough feasible nodes are found, as percentageOfNodesToScore), PostFilter when none fits, then PreScore, Score,
 * NormalizeScore and the weighted sum.
 */
public final class Framework {

    /** Upstream's minFeasibleNodesToFind: below this many nodes every node is filtered. */
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    /** Upstream's minFeasibleNodesPercentageToFind for the adaptive percentage. */
    static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

    /** A score plugin with its weight in the weighted sum. */
    public record WeightedScore(ScorePlugin plugin, int weight) {
    }

    /** Either a chosen node, or the reasons why none fits and possibly a node nominated by preemption. */
    public record Result(String node, FitError fitError, String nominatedNode, CycleState state) {
        public Result(String node, FitError fitError) {
            this(node, fitError, null, null);
        }

        public Result(String node, FitError fitError, String nominatedNode) {
            this(node, fitError, nominatedNode, null);
        }

        public boolean scheduled() {
            return node != null;
        }
    }

    private final String profileName;
    private final List<PreFilterPlugin> preFilters;
    private final List<FilterPlugin> filters;
    private final List<PostFilterPlugin> postFilters;
    private final List<PreScorePlugin> preScores;
    private final List<WeightedScore> scores;
    private final List<PreBindPlugin> preBinds;
    /** 0 means adaptive (upstream's default). */
    private final int percentageOfNodesToScore;
    private final Random random;
    private int nextStartNodeIndex;
    /** Per PreFilter plugin: the position of the same plugin among the filters, or -1. */
    private final int[] filterOfPreFilter;

    public Framework(List<PreFilterPlugin> preFilters, List<FilterPlugin> filters, List<WeightedScore> scores,
            Random random) {
        this("default-scheduler", preFilters, filters, List.of(), List.of(), scores, 0, random);
    }

    public Framework(String profileName, List<PreFilterPlugin> preFilters, List<FilterPlugin> filters,
            List<PostFilterPlugin> postFilters, List<PreScorePlugin> preScores, List<WeightedScore> scores,
            int percentageOfNodesToScore, Random random) {
        this(profileName, preFilters, filters, postFilters, preScores, scores, List.of(), percentageOfNodesToScore,
                random);
    }

    public Framework(String profileName, List<PreFilterPlugin> preFilters, List<FilterPlugin> filters,
            List<PostFilterPlugin> postFilters, List<PreScorePlugin> preScores, List<WeightedScore> scores,
            List<PreBindPlugin> preBinds, int percentageOfNodesToScore, Random random) {
        this.preBinds = List.copyOf(preBinds);
        this.profileName = profileName;
        this.preFilters = List.copyOf(preFilters);
        this.filters = List.copyOf(filters);
        this.postFilters = List.copyOf(postFilters);
        this.preScores = List.copyOf(preScores);
        this.scores = List.copyOf(scores);
        this.percentageOfNodesToScore = percentageOfNodesToScore;
        this.random = random;
        this.filterOfPreFilter = new int[this.preFilters.size()];
        for (int i = 0; i < this.preFilters.size(); i++) {
            filterOfPreFilter[i] = -1;
            for (int j = 0; j < this.filters.size(); j++) {
                if (this.filters.get(j) == (Object) this.preFilters.get(i)) {
                    filterOfPreFilter[i] = j;
                }
            }
        }
    }

    public String profileName() {
        return profileName;
    }

    public List<FilterPlugin> filters() {
        return filters;
    }

    public List<WeightedScore> scores() {
        return scores;
    }

    public List<PostFilterPlugin> postFilters() {
        return postFilters;
    }

    public synchronized Result schedule(Pod pod, List<NodeInfo> nodes) {
        CycleState state = new CycleState(nodes);
        if (nodes.isEmpty()) {
            return new Result(null, new FitError(0, null, Map.of(), null));
        }
        Status pre = runPreFilters(state, pod);
        if (!pre.isSuccess()) {
            Map<String, Status> all = new LinkedHashMap<>();
            nodes.forEach(n -> all.put(n.name(), pre));
            return unschedulable(state, pod, nodes.size(), pre, all);
        }
        Map<String, Status> failed = new LinkedHashMap<>();
        List<NodeInfo> feasible = new ArrayList<>();
        int want = numFeasibleNodesToFind(nodes.size());
        int processed = 0;
        for (int i = 0; i < nodes.size() && feasible.size() < want; i++) {
            NodeInfo n = nodes.get((nextStartNodeIndex + i) % nodes.size());
            processed++;
            Status s = runFilters(state, pod, n);
            if (s.isSuccess()) {
                feasible.add(n);
            } else {
                failed.put(n.name(), s);
            }
        }
        nextStartNodeIndex = (nextStartNodeIndex + processed) % nodes.size();
        if (feasible.isEmpty()) {
            return unschedulable(state, pod, nodes.size(), null, failed);
        }
        if (feasible.size() == 1) {
            return new Result(feasible.get(0).name(), null, null, state);
        }
        return new Result(select(prioritize(state, pod, feasible)), null, null, state);
    }

    private Result unschedulable(CycleState state, Pod pod, int numAllNodes, Status pre,
            Map<String, Status> statuses) {
        String nominated = null;
        String message = null;
        for (PostFilterPlugin p : postFilters) {
            PostFilterPlugin.Result r = p.postFilter(this, state, pod, statuses);
            if (r.nominatedNode() != null) {
                nominated = r.nominatedNode();
                message = null;
                break;
            }
            if (r.status() != null && !r.status().reasons().isEmpty()) {
                message = String.join(", ", r.status().reasons());
            }
        }
        return new Result(null, new FitError(numAllNodes, pre, statuses, message), nominated);
    }

    /** Every PreBind in order for the chosen node; the first non-success decides. */
    public Status runPreBind(CycleState state, Pod pod, String node) {
        for (PreBindPlugin p : preBinds) {
            Status s = p.preBind(state == null ? new CycleState() : state, pod, node);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return Status.success();
    }

    /** Every PreFilter in order; the first failure decides. */
    public Status runPreFilters(CycleState state, Pod pod) {
        for (int i = 0; i < preFilters.size(); i++) {
            Status s = preFilters.get(i).preFilter(state, pod);
            if (s.code() == Status.Code.SKIP) {
                if (filterOfPreFilter[i] >= 0) {
                    state.skipFilter(filterOfPreFilter[i], filters.size());
                }
            } else if (!s.isSuccess()) {
                return s;
            }
        }
        return Status.success();
    }

    /** Filters run in profile order; the first failure decides (as upstream without all-reasons mode). */
    public Status runFilters(CycleState state, Pod pod, NodeInfo node) {
        boolean[] skipped = state.skippedFilters();
        for (int i = 0; i < filters.size(); i++) {
            if (skipped != null && skipped[i]) {
                continue;
            }
            Status s = filters.get(i).filter(state, pod, node);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return Status.success();
    }

    /** How many feasible nodes to look for before scoring, as upstream's numFeasibleNodesToFind. */
    int numFeasibleNodesToFind(int numAllNodes) {
        if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentageOfNodesToScore >= 100) {
            return numAllNodes;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage <= 0) {
            percentage = 50 - numAllNodes / 125;
            if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) {
                percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
            }
        }
        int n = numAllNodes * percentage / 100;
        return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
    }

    /** PreScore, then the weighted sum of every score plugin's normalized score, per node name, in input order. */
    public Map<String, Long> prioritize(CycleState state, Pod pod, List<NodeInfo> feasible) {
        int n = feasible.size();
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = feasible.get(i).name();
        }
        for (PreScorePlugin p : preScores) {
            Status s = p.preScore(state, pod, feasible);
            if (s.code() == Status.Code.ERROR) {
                throw new IllegalStateException(p.name() + ": " + s.reasons());
            }
        }
        long[] total = new long[n];
        long[] s = new long[n];
        NodeScores view = new NodeScores(names, s);
        for (WeightedScore ws : scores) {
            ScorePlugin plugin = ws.plugin();
            for (int i = 0; i < n; i++) {
                s[i] = plugin.score(state, pod, feasible.get(i));
            }
            plugin.normalize(state, pod, view);
            long w = ws.weight();
            for (int i = 0; i < n; i++) {
                total[i] += s[i] * w;
            }
        }
        return new NodeScores(names, total);
    }

    /** The highest total; a uniformly random one among ties (reservoir sampling, as upstream). */
    String select(Map<String, Long> totals) {
        if (totals instanceof NodeScores t) {
            String best = null;
            long bestScore = Long.MIN_VALUE;
            int ties = 0;
            for (int i = 0; i < t.size(); i++) {
                long v = t.score(i);
                if (v > bestScore) {
                    best = t.name(i);
                    bestScore = v;
                    ties = 1;
                } else if (v == bestScore) {
                    ties++;
                    if (random.nextInt(ties) == 0) {
                        best = t.name(i);
                    }
                }
            }
            return best;
        }
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
