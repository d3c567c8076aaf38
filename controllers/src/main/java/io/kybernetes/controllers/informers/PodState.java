package io.kybernetes.controllers.informers;

import java.time.Instant;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/** Readiness and availability of pods, as the workload controllers count them. */
public final class PodState {

    private PodState() {
    }

    public static boolean terminal(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Not terminal and not being deleted. */
    public static boolean active(Pod p) {
        return !terminal(p) && p.getMetadata().getDeletionTimestamp() == null;
    }

    public static PodCondition readyCondition(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }

    public static boolean ready(Pod p) {
        PodCondition c = readyCondition(p);
        return c != null && "True".equals(c.getStatus());
    }

    /** Ready for at least {@code minReadySeconds} at {@code now}. */
    public static boolean available(Pod p, int minReadySeconds, Instant now) {
        if (!ready(p)) {
            return false;
        }
        if (minReadySeconds <= 0) {
            return true;
        }
        Instant since = readySince(p);
        return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    public static Instant readySince(Pod p) {
        PodCondition c = readyCondition(p);
        return c == null ? null : parse(c.getLastTransitionTime());
    }

    public static Instant parse(String ts) {
        if (ts == null || ts.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(ts);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
