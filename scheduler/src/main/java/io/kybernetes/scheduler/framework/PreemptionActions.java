package io.kybernetes.scheduler.framework;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;

/** What a successful preemption does to the cluster; a port so the plugin stays testable without an API server. */
public interface PreemptionActions {

    PreemptionActions NONE = (preemptor, node, victims) -> { };

    /**
     * Deletes {@code victims} (with a Preempted event/condition where possible) and sets the preemptor's
     * status.nominatedNodeName to {@code node}.
     */
    void preempt(Pod preemptor, String node, List<Pod> victims);
}
