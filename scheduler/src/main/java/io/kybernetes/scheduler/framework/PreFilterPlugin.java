package io.kybernetes.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Runs once per scheduling cycle before the filters; may store pre-computed data in the {@link CycleState}. */
public interface PreFilterPlugin extends Plugin {
    Status preFilter(CycleState state, Pod pod);
}
