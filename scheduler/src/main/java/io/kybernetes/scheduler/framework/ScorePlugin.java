package io.kybernetes.scheduler.framework;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/** Ranks the feasible nodes. Scores end in [0, {@link #MAX_NODE_SCORE}] after {@link #normalize}. */
public interface ScorePlugin extends Plugin {

    long MAX_NODE_SCORE = 100;

    long score(CycleState state, Pod pod, NodeInfo nodeInfo);

    /** Rescales the raw scores of every feasible node (node name to score); the default keeps them. */
    default void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
    }
}
