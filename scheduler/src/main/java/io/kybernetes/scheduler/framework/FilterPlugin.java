package io.kybernetes.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Decides whether {@code pod} may run on the node of {@code nodeInfo}. */
public interface FilterPlugin extends Plugin {
    Status filter(CycleState state, Pod pod, NodeInfo nodeInfo);
}
