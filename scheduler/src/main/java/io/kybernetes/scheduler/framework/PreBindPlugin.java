package io.kybernetes.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs after a node is chosen, before the pod is bound (e.g. to have its volumes provisioned for that node).
 * Success binds; {@link Status.Code#UNSCHEDULABLE} means "not yet": the pod waits for a cluster event (such as
 * its claim being bound) and is scheduled again, without a failure report.
 */
public interface PreBindPlugin extends Plugin {
    Status preBind(CycleState state, Pod pod, String node);
}
