package io.kybernetes.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** A pod's priority: spec.priority (resolved from priorityClassName at admission), 0 when unset. */
public final class Priorities {

    private Priorities() {
    }

    public static int of(Pod pod) {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }
}
