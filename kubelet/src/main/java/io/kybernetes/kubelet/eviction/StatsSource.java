package io.kybernetes.kubelet.eviction;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/** Where the eviction manager reads the node's signals and the pods' usage (faked in tests). */
public interface StatsSource {

    /** The current reading of each signal the node can measure (absent: unknown). */
    Map<Signal, Observation> node();

    /** Usage of these pods, by pod uid (absent: no stats for the pod). */
    Map<String, PodUsage> pods(List<Pod> pods);
}
