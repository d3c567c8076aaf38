package io.kybernetes.scheduler.framework;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/** Runs when no node fits (e.g. preemption). {@code nodeStatuses} maps each node name to its filter status. */
public interface PostFilterPlugin extends Plugin {

    /** A nominated node (or null) and the message appended to the fit error as {@code "preemption: ..."}. */
    record Result(String nominatedNode, Status status) {
    }

    Result postFilter(Framework framework, CycleState state, Pod pod, Map<String, Status> nodeStatuses);
}
