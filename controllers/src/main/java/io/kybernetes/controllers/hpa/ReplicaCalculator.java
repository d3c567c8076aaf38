package io.kybernetes.controllers.hpa;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's replica calculation for Resource metrics: desired = ceil(ready pods * usage / target), nothing when the
 * ratio is within the tolerance (10%); pods being deleted or failed are ignored; pending and (for CPU) not-yet-ready
 * pods count as using nothing on a scale-up; pods without metrics count as using nothing on a scale-up and their
 * request (or the target) on a scale-down; a change of direction caused by those assumptions is dropped.
 */
public final class ReplicaCalculator {

    /** The outcome: desired replicas, or an error message (the metric could not be computed). */
    public record Result(int replicas, Integer utilization, long averageMilli, Instant timestamp, String error) {
        static Result error(String message) {
            return new Result(0, null, 0, null, message);
        }
    }

    static final Duration CPU_INITIALIZATION_PERIOD = Duration.ofMinutes(5);
    static final Duration INITIAL_READINESS_DELAY = Duration.ofSeconds(30);

    private final double tolerance;

    public ReplicaCalculator(double tolerance) {
        this.tolerance = tolerance;
    }

    /** Replicas for a target average utilization (percent of request). */
    public Result utilization(int currentReplicas, int targetUtilization, boolean cpu, List<PodSample> pods,
            Instant now) {
        Groups g = group(pods, cpu, now);
        if (g.error != null) {
            return Result.error(g.error);
        }
        Map<String, Long> requests = new HashMap<>();
        for (PodSample p : pods) {
            if (p.requestMilli() == null) {
                return Result.error("missing request for " + (cpu ? "cpu" : "memory") + " in pod " + p.name());
            }
            requests.put(p.name(), p.requestMilli());
        }
        double[] r = utilizationRatio(g.metrics, requests, targetUtilization);
        if (r == null) {
            return Result.error("no metrics returned matched known pods");
        }
        double ratio = r[0];
        int utilization = (int) r[1];
        long average = (long) r[2];
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (Math.abs(1.0 - ratio) <= tolerance) {
                return new Result(currentReplicas, utilization, average, g.timestamp, null);
            }
            return new Result((int) Math.ceil(ratio * g.ready), utilization, average, g.timestamp, null);
        }
        if (!g.missing.isEmpty()) {
            for (String name : g.missing) {
                // scale-down: a pod without metrics uses its whole request (or the target); scale-up: nothing
                g.metrics.put(name, ratio < 1.0 ? requests.get(name) * Math.max(100, targetUtilization) / 100 : 0L);
            }
        }
        if (scaleUpWithUnready) {
            g.unready.forEach(name -> g.metrics.put(name, 0L));
        }
        double[] again = utilizationRatio(g.metrics, requests, targetUtilization);
        double newRatio = again[0];
        return adjusted(currentReplicas, ratio, newRatio, g.metrics.size(), utilization, average, g.timestamp);
    }

    /** Replicas for a target average value per pod (milli units). */
    public Result averageValue(int currentReplicas, long targetMilli, boolean cpu, List<PodSample> pods, Instant now) {
        Groups g = group(pods, cpu, now);
        if (g.error != null) {
            return Result.error(g.error);
        }
        double average = g.metrics.values().stream().mapToLong(Long::longValue).sum() / (double) g.metrics.size();
        double ratio = average / targetMilli;
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (Math.abs(1.0 - ratio) <= tolerance) {
                return new Result(currentReplicas, null, (long) average, g.timestamp, null);
            }
            return new Result((int) Math.ceil(ratio * g.ready), null, (long) average, g.timestamp, null);
        }
        for (String name : g.missing) {
            g.metrics.put(name, ratio < 1.0 ? targetMilli : 0L);
        }
        if (scaleUpWithUnready) {
            g.unready.forEach(name -> g.metrics.put(name, 0L));
        }
        double newRatio = g.metrics.values().stream().mapToLong(Long::longValue).sum() / (double) g.metrics.size()
                / targetMilli;
        return adjusted(currentReplicas, ratio, newRatio, g.metrics.size(), null, (long) average, g.timestamp);
    }

    private Result adjusted(int current, double ratio, double newRatio, int count, Integer utilization, long average,
            Instant timestamp) {
        if (Math.abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
            // too small a change, or the assumptions turned the direction around
            return new Result(current, utilization, average, timestamp, null);
        }
        int replicas = (int) Math.ceil(newRatio * count);
        if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current)) {
            return new Result(current, utilization, average, timestamp, null);
        }
        return new Result(replicas, utilization, average, timestamp, null);
    }

    /** [usage/target ratio, utilization percent, raw average] over the pods that have both metrics and requests. */
    static double[] utilizationRatio(Map<String, Long> metrics, Map<String, Long> requests, int target) {
        long metricsTotal = 0;
        long requestsTotal = 0;
        int n = 0;
        for (var e : metrics.entrySet()) {
            Long req = requests.get(e.getKey());
            if (req == null) {
                continue;
            }
            metricsTotal += e.getValue();
            requestsTotal += req;
            n++;
        }
        if (requestsTotal == 0) {
            return null;
        }
        int utilization = (int) (metricsTotal * 100 / requestsTotal);
        return new double[] {(double) utilization / target, utilization, (double) metricsTotal / n};
    }

    private static final class Groups {
        final Map<String, Long> metrics = new HashMap<>();
        final Set<String> unready = new HashSet<>();
        final Set<String> missing = new HashSet<>();
        int ready;
        Instant timestamp;
        String error;
    }

    /** Sorts the pods as upstream's groupPods does and keeps the metrics of the ready ones. */
    static Groups group(List<PodSample> pods, boolean cpu, Instant now) {
        Groups g = new Groups();
        if (pods.isEmpty()) {
            g.error = "no pods returned by selector while calculating replica count";
            return g;
        }
        boolean anyMetrics = false;
        for (PodSample p : pods) {
            if (p.usageMilli() != null) {
                anyMetrics = true;
            }
            if (p.deleting() || "Failed".equals(p.phase())) {
                continue; // ignored
            }
            if ("Pending".equals(p.phase())) {
                g.unready.add(p.name());
                continue;
            }
            if (p.usageMilli() == null) {
                g.missing.add(p.name());
                continue;
            }
            if (cpu && unreadyForCpu(p, now)) {
                g.unready.add(p.name());
                continue;
            }
            g.metrics.put(p.name(), p.usageMilli());
            g.ready++;
            if (g.timestamp == null || p.usageTime().isAfter(g.timestamp)) {
                g.timestamp = p.usageTime();
            }
        }
        if (!anyMetrics) {
            g.error = "no metrics returned from resource metrics API";
        } else if (g.metrics.isEmpty()) {
            g.error = "did not receive metrics for targeted pods (pods might be unready)";
        }
        return g;
    }

    /**
     * A CPU sample of a pod is not used while the pod is not ready, and, in its first five minutes, until a whole
     * metric window has passed since it became ready; after that, only a pod that has never been ready is skipped.
     */
    static boolean unreadyForCpu(PodSample p, Instant now) {
        if (p.ready() == null || p.startTime() == null) {
            return true;
        }
        if (p.startTime().plus(CPU_INITIALIZATION_PERIOD).isAfter(now)) {
            return !p.ready() || p.readyTransition() == null
                    || p.usageTime().isBefore(p.readyTransition().plusSeconds(p.windowSeconds()));
        }
        return !p.ready() && p.readyTransition() != null
                && p.startTime().plus(INITIAL_READINESS_DELAY).isAfter(p.readyTransition());
    }
}
