package io.kybernetes.controllers.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kybernetes.controllers.reconcile.Times;

/** The NoExecute taints of node health and when a pod on a tainted node must be evicted. */
public final class Taints {

    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    /**
     * Pods without a toleration of the two health taints are treated as tolerating them for 300 s: upstream's
     * DefaultTolerationSeconds admission plugin adds exactly those tolerations to every pod, which the kybernetes
     * API server does not (yet) do.
     */
    public static final long DEFAULT_TOLERATION_SECONDS = 300;

    private Taints() {
    }

    /** The health taint a node should carry for its Ready status ("True", "False", "Unknown"); null for none. */
    public static String wanted(String ready) {
        return switch (ready == null ? "Unknown" : ready) {
            case "True" -> null;
            case "False" -> NOT_READY;
            default -> UNREACHABLE;
        };
    }

    /**
     * When a pod must be evicted from a node with these NoExecute taints: null never (all tolerated without
     * tolerationSeconds, or no NoExecute taint), else the earliest instant over the taints (now for an untolerated
     * taint).
     */
    public static Instant evictionTime(Pod pod, List<Taint> taints, Instant now) {
        Instant earliest = null;
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of()
                : pod.getSpec().getTolerations();
        for (Taint t : taints) {
            if (!"NoExecute".equals(t.getEffect())) {
                continue;
            }
            Toleration match = tolerations.stream().filter(x -> tolerates(x, t)).findFirst().orElse(null);
            if (match == null && (NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey()))) {
                match = new Toleration("NoExecute", t.getKey(), "Exists", DEFAULT_TOLERATION_SECONDS, null);
            }
            Instant at;
            if (match == null) {
                at = now;
            } else if (match.getTolerationSeconds() == null) {
                continue;
            } else {
                Instant added = Times.parse(t.getTimeAdded());
                at = (added == null ? now : added).plus(Duration.ofSeconds(Math.max(0, match.getTolerationSeconds())));
            }
            if (earliest == null || at.isBefore(earliest)) {
                earliest = at;
            }
        }
        return earliest;
    }

    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if ("Exists".equals(t.getOperator())) {
            return t.getKey() == null || t.getKey().isEmpty() || t.getKey().equals(taint.getKey());
        }
        return taint.getKey().equals(t.getKey()) && (t.getValue() == null ? "" : t.getValue())
                .equals(taint.getValue() == null ? "" : taint.getValue());
    }
}
