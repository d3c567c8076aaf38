package io.kybernetes.controllers.volume.binder;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.controllers.informers.Selectors;
import io.kybernetes.controllers.volume.StorageAnnotations;

/**
 * Picks the volume a pending claim binds to, as upstream's binder does: a volume pre-bound to the claim
 * (spec.claimRef naming it) wins; otherwise the smallest Available, unclaimed volume of the claim's class whose
 * capacity covers the request, whose access modes include the claim's, whose volumeMode equals the claim's, whose
 * labels match the claim's selector and, when a node is known, whose node affinity admits that node. A claim of a
 * WaitForFirstConsumer class ({@code delayBinding}) binds only once its node is known.
 */
public final class ClaimMatcher {

    private ClaimMatcher() {
    }

    public static PersistentVolume findBest(PersistentVolumeClaim claim, Collection<PersistentVolume> volumes,
            Node node, boolean delayBinding) {
        BigDecimal requested = requested(claim);
        String mode = volumeMode(claim.getSpec().getVolumeMode());
        String cls = StorageAnnotations.className(claim);
        PersistentVolume smallest = null;
        BigDecimal smallestSize = null;
        for (PersistentVolume pv : volumes) {
            if (pv.getSpec() == null || pv.getMetadata().getDeletionTimestamp() != null
                    || !mode.equals(volumeMode(pv.getSpec().getVolumeMode()))) {
                continue;
            }
            BigDecimal size = capacity(pv);
            if (size.compareTo(requested) < 0) {
                continue;
            }
            boolean fitsNode = node == null || VolumeNodeAffinity.admits(pv, node);
            if (boundTo(pv, claim)) {
                return fitsNode ? pv : null;
            }
            if (node == null && delayBinding) {
                continue;
            }
            if (!"Available".equals(phase(pv)) || pv.getSpec().getClaimRef() != null
                    || !cls.equals(StorageAnnotations.className(pv)) || !fitsNode
                    || !accessModesCover(pv, claim)
                    || !selects(claim.getSpec().getSelector(), labels(pv))) {
                continue;
            }
            if (smallest == null || size.compareTo(smallestSize) < 0) {
                smallest = pv;
                smallestSize = size;
            }
        }
        return smallest;
    }

    /** Why a volume the claim names in spec.volumeName cannot serve it, or null when it can. */
    public static String unsatisfied(PersistentVolume pv, PersistentVolumeClaim claim) {
        if (capacity(pv).compareTo(requested(claim)) < 0) {
            return "requested PV is too small";
        }
        if (!StorageAnnotations.className(claim).equals(StorageAnnotations.className(pv))) {
            return "storageClassName does not match";
        }
        if (!volumeMode(claim.getSpec().getVolumeMode()).equals(volumeMode(pv.getSpec().getVolumeMode()))) {
            return "incompatible volumeMode";
        }
        if (!accessModesCover(pv, claim)) {
            return "incompatible accessMode";
        }
        return null;
    }

    /** The volume's claimRef names this claim (and, once set, its uid). */
    public static boolean boundTo(PersistentVolume pv, PersistentVolumeClaim claim) {
        ObjectReference ref = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
        if (ref == null || !claim.getMetadata().getName().equals(ref.getName())
                || !claim.getMetadata().getNamespace().equals(ref.getNamespace())) {
            return false;
        }
        return ref.getUid() == null || ref.getUid().isEmpty() || ref.getUid().equals(claim.getMetadata().getUid());
    }

    static boolean accessModesCover(PersistentVolume pv, PersistentVolumeClaim claim) {
        List<String> have = pv.getSpec().getAccessModes() == null ? List.of() : pv.getSpec().getAccessModes();
        List<String> want = claim.getSpec().getAccessModes() == null ? List.of() : claim.getSpec().getAccessModes();
        return have.containsAll(want);
    }

    public static BigDecimal requested(PersistentVolumeClaim claim) {
        var resources = claim.getSpec().getResources();
        Quantity q = resources == null || resources.getRequests() == null ? null
                : resources.getRequests().get("storage");
        return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
    }

    static BigDecimal capacity(PersistentVolume pv) {
        Quantity q = pv.getSpec().getCapacity() == null ? null : pv.getSpec().getCapacity().get("storage");
        return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
    }

    static String volumeMode(String mode) {
        return mode == null || mode.isEmpty() ? "Filesystem" : mode;
    }

    public static String phase(PersistentVolume pv) {
        return pv.getStatus() == null || pv.getStatus().getPhase() == null ? "" : pv.getStatus().getPhase();
    }

    /** A claim without a selector, or with an empty one, accepts any volume's labels. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        boolean empty = selector == null || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty()));
        return empty || Selectors.matches(selector, labels);
    }

    private static Map<String, String> labels(PersistentVolume pv) {
        return Objects.requireNonNullElse(pv.getMetadata().getLabels(), Map.of());
    }
}
