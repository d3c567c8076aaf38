package io.kybernetes.scheduler.scheduling;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.scheduler.framework.Listers;

/**
 * Fills spec.priority when the API server has not (a pod admitted before it resolved priority classes): from
 * spec.priorityClassName's PriorityClass (the two built-in system classes are known), else from the
 * globalDefault class. Returns a copy; the informer's object is never changed.
 */
final class PriorityResolver {

    static final int SYSTEM_CLUSTER_CRITICAL = 2_000_000_000;
    static final int SYSTEM_NODE_CRITICAL = 2_000_001_000;

    private final Listers listers;

    PriorityResolver(Listers listers) {
        this.listers = listers;
    }

    Pod resolve(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getPriority() != null) {
            return pod;
        }
        Integer value = null;
        String cls = pod.getSpec().getPriorityClassName();
        if (cls != null && !cls.isEmpty()) {
            value = listers.priorityClassValue(cls);
            if (value == null && cls.equals("system-cluster-critical")) {
                value = SYSTEM_CLUSTER_CRITICAL;
            } else if (value == null && cls.equals("system-node-critical")) {
                value = SYSTEM_NODE_CRITICAL;
            }
        } else {
            value = listers.globalDefaultPriority();
        }
        if (value == null) {
            return pod;
        }
        return new PodBuilder(pod).editSpec().withPriority(value).endSpec().build();
    }
}
