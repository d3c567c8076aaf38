package io.kybernetes.kubelet.eviction;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/** The pod facts eviction decisions use: requests, limits, priority and whether the pod is critical. */
final class PodResources {

    /** Upstream's system-critical priority: pods at or above it are never evicted. */
    static final int SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

    private PodResources() {
    }

    static long bytes(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.CEILING).longValue();
    }

    static Optional<Quantity> request(Container c, String resource) {
        if (c.getResources() == null) {
            return Optional.empty();
        }
        Map<String, Quantity> req = c.getResources().getRequests();
        Map<String, Quantity> lim = c.getResources().getLimits();
        if (req != null && req.get(resource) != null) {
            return Optional.of(req.get(resource));
        }
        // an unset request defaults to the limit, as the API server does
        return lim == null ? Optional.empty() : Optional.ofNullable(lim.get(resource));
    }

    static Optional<Quantity> limit(Container c, String resource) {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(c.getResources().getLimits().get(resource));
    }

    /** The pod's request: the larger of its app containers' sum and its largest init container. */
    static long podRequest(Pod pod, String resource) {
        long sum = containers(pod).stream().mapToLong(c -> request(c, resource).map(PodResources::bytes).orElse(0L))
                .sum();
        long init = initContainers(pod).stream()
                .mapToLong(c -> request(c, resource).map(PodResources::bytes).orElse(0L)).max().orElse(0);
        return Math.max(sum, init);
    }

    /** The sum of the app containers' limits, when at least one sets it. */
    static Optional<BigDecimal> podLimit(Pod pod, String resource) {
        BigDecimal sum = null;
        for (Container c : containers(pod)) {
            Optional<Quantity> l = limit(c, resource);
            if (l.isPresent()) {
                BigDecimal b = Quantity.getAmountInBytes(l.get());
                sum = sum == null ? b : sum.add(b);
            }
        }
        return Optional.ofNullable(sum);
    }

    static int priority(Pod pod) {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }

    /** Static and mirror pods and pods of system-critical priority. */
    static boolean critical(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        if (a != null) {
            String source = a.get("kubernetes.io/config.source");
            if (a.containsKey("kubernetes.io/config.mirror") || source != null && !"api".equals(source)) {
                return true;
            }
        }
        return priority(pod) >= SYSTEM_CRITICAL_PRIORITY;
    }

    static List<Container> containers(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
    }

    static List<Container> initContainers(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers();
    }
}
