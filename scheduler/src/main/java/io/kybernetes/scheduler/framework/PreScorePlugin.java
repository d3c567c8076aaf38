package io.kybernetes.scheduler.framework;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;

/** Runs once per cycle before scoring, over the feasible nodes; may store data for Score in the state. */
public interface PreScorePlugin extends Plugin {
    Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible);
}
