package io.kybernetes.scheduler.framework;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

/** The resources a pod requests, computed as upstream: max(sum of containers, largest init container) + overhead. */
public final class PodRequests {

    /** Used for scoring when a container requests no CPU (upstream's DefaultMilliCPURequest). */
    public static final long DEFAULT_MILLI_CPU = 100;
    /** Used for scoring when a container requests no memory (upstream's DefaultMemoryRequest, 200 MiB). */
    public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    private PodRequests() {
    }

    public static Resources of(Pod pod) {
        return compute(pod, false);
    }

    /** As {@link #of} but with upstream's non-zero defaults for CPU and memory, used by scoring. */
    public static Resources nonZero(Pod pod) {
        return compute(pod, true);
    }

    private static Resources compute(Pod pod, boolean nonZero) {
        Resources sum = Resources.ZERO;
        for (Container c : list(pod.getSpec().getContainers())) {
            sum = sum.plus(container(c, nonZero));
        }
        for (Container c : list(pod.getSpec().getInitContainers())) {
            sum = sum.max(container(c, nonZero));
        }
        if (pod.getSpec().getOverhead() != null) {
            sum = sum.plus(Resources.of(pod.getSpec().getOverhead()));
        }
        return sum.withPods(1);
    }

    private static Resources container(Container c, boolean nonZero) {
        Resources r = c.getResources() == null ? Resources.ZERO : Resources.of(c.getResources().getRequests());
        if (c.getResources() != null && (c.getResources().getRequests() == null
                || c.getResources().getRequests().isEmpty()) && c.getResources().getLimits() != null) {
            // As upstream defaulting: a container with limits but no requests requests its limits.
            r = Resources.of(c.getResources().getLimits());
        }
        if (nonZero) {
            r = new Resources(r.milliCpu() == 0 ? DEFAULT_MILLI_CPU : r.milliCpu(),
                    r.memory() == 0 ? DEFAULT_MEMORY : r.memory(), r.ephemeralStorage(), 0, r.scalars());
        }
        return r.withPods(0);
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
