package io.kybernetes.controllers.disruption;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.informers.Selectors;
import io.kybernetes.controllers.reconcile.Times;

/**
 * What a PodDisruptionBudget's status should say, as upstream's disruption controller computes it: the expected
 * pod count (the selected pods for an integer minAvailable, else the sum of their controllers' scales), the healthy
 * pods it needs, the healthy pods it has (Ready, not being deleted, not evicted within the last 2 minutes) and the
 * disruptions that leaves.
 */
public final class Budgets {

    /** How long an evicted pod (in status.disruptedPods) is expected to take to be deleted, as upstream. */
    public static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

    private Budgets() {
    }

    /** A controller and its desired replicas (spec.replicas). */
    public record Scale(String uid, int replicas) {
    }

    /** Finds the scale of the controller a pod's controller reference names; empty when it is not one it knows. */
    @FunctionalInterface
    public interface ScaleFinder {
        Optional<Scale> find(OwnerReference controllerRef, String namespace);
    }

    /** The computed status figures, the disruptedPods still pending, and when to look again. */
    public record Computed(int expectedPods, int desiredHealthy, int currentHealthy, int disruptionsAllowed,
            Map<String, String> disruptedPods, Instant recheck, List<String> unmanagedPods,
            List<String> overdue) {
    }

    /** The budget's status cannot be computed (no controller found, a bad percentage). */
    public static final class CountFailed extends Exception {
        public CountFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** policy/v1: a null selector selects nothing, an empty one every pod of the namespace. */
    public static boolean selects(PodDisruptionBudget pdb, Pod pod) {
        LabelSelector s = pdb.getSpec() == null ? null : pdb.getSpec().getSelector();
        if (s == null) {
            return false;
        }
        boolean empty = (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
        return empty || Selectors.matches(s, pod.getMetadata().getLabels());
    }

    public static Computed compute(PodDisruptionBudget pdb, List<Pod> pods, ScaleFinder finder, Instant now)
            throws CountFailed {
        List<String> unmanaged = new ArrayList<>();
        int expected = 0;
        int desired = 0;
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        if (maxUnavailable != null) {
            expected = expectedScale(pods, finder, unmanaged);
            desired = Math.max(0, expected - scaled(maxUnavailable, expected));
        } else if (minAvailable != null) {
            if (minAvailable.getIntVal() != null) {
                desired = minAvailable.getIntVal();
                expected = pods.size();
            } else {
                expected = expectedScale(pods, finder, unmanaged);
                desired = scaled(minAvailable, expected);
            }
        }
        Map<String, String> recorded = pdb.getStatus() == null || pdb.getStatus().getDisruptedPods() == null
                ? Map.of() : pdb.getStatus().getDisruptedPods();
        Map<String, String> disrupted = new TreeMap<>();
        List<String> overdue = new ArrayList<>();
        Instant recheck = null;
        for (Pod p : pods) {
            String name = p.getMetadata().getName();
            if (p.getMetadata().getDeletionTimestamp() != null || !recorded.containsKey(name)) {
                continue;
            }
            Instant at = Times.parse(recorded.get(name));
            Instant expectedDeletion = (at == null ? Instant.EPOCH : at).plus(DELETION_TIMEOUT);
            if (expectedDeletion.isBefore(now)) {
                overdue.add(name);
            } else {
                disrupted.put(name, recorded.get(name));
                recheck = recheck == null || expectedDeletion.isBefore(recheck) ? expectedDeletion : recheck;
            }
        }
        int healthy = 0;
        for (Pod p : pods) {
            if (p.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(p.getMetadata().getName())
                    && PodState.ready(p)) {
                healthy++;
            }
        }
        // A budget that expects no pods allows nothing: its first pods may appear before its status is updated.
        int allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
        return new Computed(expected, desired, healthy, allowed, disrupted, recheck, unmanaged, overdue);
    }

    /**
     * The sum of the scales of the selected pods' controllers, each counted once. Pods without a controller are
     * reported as unmanaged (and counted nowhere); a controller of a kind not known is an error.
     */
    static int expectedScale(List<Pod> pods, ScaleFinder finder, List<String> unmanaged) throws CountFailed {
        Map<String, Integer> byController = new LinkedHashMap<>();
        for (Pod p : pods) {
            Optional<OwnerReference> ref = Owners.controllerOf(p);
            if (ref.isEmpty()) {
                unmanaged.add(p.getMetadata().getName());
                continue;
            }
            if (byController.containsKey(ref.get().getUid())) {
                continue;
            }
            Optional<Scale> scale = finder.find(ref.get(), p.getMetadata().getNamespace());
            if (scale.isEmpty()) {
                throw new CountFailed("found no controllers for pod \"" + p.getMetadata().getName() + "\"");
            }
            byController.put(scale.get().uid(), scale.get().replicas());
        }
        return byController.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** An integer as is, or a percentage of {@code total} rounded up (as upstream for both fields). */
    static int scaled(IntOrString v, int total) throws CountFailed {
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal() == null ? "" : v.getStrVal();
        if (!s.endsWith("%")) {
            throw new CountFailed("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        int percent;
        try {
            percent = Integer.parseInt(s.substring(0, s.length() - 1));
        } catch (NumberFormatException e) {
            throw new CountFailed("invalid value \"" + s + "\": not an integer percentage");
        }
        return (int) Math.ceil(percent * (double) total / 100);
    }
}
