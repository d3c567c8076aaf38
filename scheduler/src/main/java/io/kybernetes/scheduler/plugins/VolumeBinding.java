package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PreBindPlugin;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.VolumeActions;
import io.kybernetes.scheduler.framework.Status;

/**
 * The pod's PersistentVolumeClaims (and generic ephemeral volumes' claims, named {@code <pod>-<volume>}):
 * PreFilter fails for a missing or deleting claim and for an unbound claim whose class binds Immediately (the PV
 * controller must bind it first); Filter checks a bound claim's PV node affinity, and for an unbound
 * WaitForFirstConsumer claim that the class provisions dynamically or that a free matching PV on the node exists.
 * PreBind: an unbound WaitForFirstConsumer claim of a dynamic provisioner gets the
 * volume.kubernetes.io/selected-node annotation and the pod waits (for the claim-bound event) until the
 * provisioner has bound it; static PVs are left to the PV controller's binder, as is binding in general.
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, PreBindPlugin {

    public static final String NAME = "VolumeBinding";
    public static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
    public static final String NODE_CONFLICT = "node(s) had volume node affinity conflict";
    public static final String BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
    public static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";
    private static final String STATE_KEY = "PreFilter" + NAME;

    /** Claims of the pod: bound ones and delayed (WaitForFirstConsumer) unbound ones. */
    record Claims(List<PersistentVolumeClaim> bound, List<PersistentVolumeClaim> delayed) {
    }

    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

    private final Listers listers;
    private final VolumeActions actions;

    public VolumeBinding(Listers listers) {
        this(listers, VolumeActions.NONE);
    }

    public VolumeBinding(Listers listers, VolumeActions actions) {
        this.listers = listers;
        this.actions = actions;
    }

    @Override
    public Status preBind(CycleState state, Pod pod, String node) {
        Claims claims = state.read(STATE_KEY, Claims.class);
        if (claims == null || claims.delayed().isEmpty()) {
            return Status.success();
        }
        boolean waiting = false;
        for (PersistentVolumeClaim pvc : claims.delayed()) {
            PersistentVolumeClaim current = listers.pvc(pvc.getMetadata().getNamespace(),
                    pvc.getMetadata().getName());
            if (current == null) {
                current = pvc;
            }
            if (current.getSpec().getVolumeName() != null && !current.getSpec().getVolumeName().isEmpty()) {
                continue;
            }
            StorageClass sc = storageClass(current);
            if (sc == null || sc.getProvisioner() == null || NO_PROVISIONER.equals(sc.getProvisioner())) {
                continue; // a static PV: the PV controller binds it
            }
            var annotations = current.getMetadata().getAnnotations();
            if (annotations == null || !node.equals(annotations.get(SELECTED_NODE))) {
                actions.selectNode(current, node);
            }
            waiting = true;
        }
        return waiting ? Status.unschedulable(NAME, "waiting for volume provisioning on " + node)
                : Status.success();
    }

    @Override
    public String name() {
        return NAME;
    }

    static List<String> claimNames(Pod pod) {
        List<String> out = new ArrayList<>();
        if (pod.getSpec().getVolumes() == null) {
            return out;
        }
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getPersistentVolumeClaim() != null) {
                out.add(v.getPersistentVolumeClaim().getClaimName());
            } else if (v.getEphemeral() != null) {
                out.add(pod.getMetadata().getName() + "-" + v.getName());
            }
        }
        return out;
    }

    @Override
    public Status preFilter(CycleState state, Pod pod) {
        List<String> names = claimNames(pod);
        if (names.isEmpty()) {
            state.write(STATE_KEY, new Claims(List.of(), List.of()));
            return Status.skip();
        }
        List<PersistentVolumeClaim> bound = new ArrayList<>();
        List<PersistentVolumeClaim> delayed = new ArrayList<>();
        boolean unboundImmediate = false;
        for (String name : names) {
            PersistentVolumeClaim pvc = listers.pvc(pod.getMetadata().getNamespace(), name);
            if (pvc == null) {
                return Status.unresolvable(NAME, "persistentvolumeclaim \"" + name + "\" not found");
            }
            if (pvc.getMetadata().getDeletionTimestamp() != null) {
                return Status.unresolvable(NAME, "persistentvolumeclaim \"" + name + "\" is being deleted");
            }
            String volume = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
            if (volume != null && !volume.isEmpty()) {
                bound.add(pvc);
            } else if (waitForFirstConsumer(pvc)) {
                delayed.add(pvc);
            } else {
                unboundImmediate = true;
            }
        }
        if (unboundImmediate) {
            return Status.unresolvable(NAME, UNBOUND_IMMEDIATE);
        }
        state.write(STATE_KEY, new Claims(bound, delayed));
        return Status.success();
    }

    private boolean waitForFirstConsumer(PersistentVolumeClaim pvc) {
        StorageClass sc = storageClass(pvc);
        return sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
    }

    private StorageClass storageClass(PersistentVolumeClaim pvc) {
        String name = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
        return name == null || name.isEmpty() ? null : listers.storageClass(name);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        Claims claims = state.read(STATE_KEY, Claims.class);
        if (claims == null || (claims.bound().isEmpty() && claims.delayed().isEmpty())) {
            return Status.success();
        }
        for (PersistentVolumeClaim pvc : claims.bound()) {
            PersistentVolume pv = listers.pv(pvc.getSpec().getVolumeName());
            if (pv == null) {
                return Status.unresolvable(NAME, "pvc(s) bound to non-existent pv(s)");
            }
            if (!pvFitsNode(pv, node)) {
                return Status.unresolvable(NAME, NODE_CONFLICT);
            }
        }
        for (PersistentVolumeClaim pvc : claims.delayed()) {
            StorageClass sc = storageClass(pvc);
            if (sc != null && sc.getProvisioner() != null && !NO_PROVISIONER.equals(sc.getProvisioner())) {
                continue; // provisioned for the chosen node
            }
            if (!freeVolumeOn(pvc, node)) {
                return Status.unschedulable(NAME, BIND_CONFLICT);
            }
        }
        return Status.success();
    }

    private boolean freeVolumeOn(PersistentVolumeClaim pvc, NodeInfo node) {
        String cls = pvc.getSpec().getStorageClassName();
        Quantity want = pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
                ? null : pvc.getSpec().getResources().getRequests().get("storage");
        for (PersistentVolume pv : listers.pvs()) {
            var spec = pv.getSpec();
            if (spec == null || !"Available".equals(pv.getStatus() == null ? "Available" : pv.getStatus().getPhase())
                    || !java.util.Objects.equals(cls, spec.getStorageClassName())) {
                continue;
            }
            var ref = spec.getClaimRef();
            if (ref != null && !(pvc.getMetadata().getName().equals(ref.getName())
                    && pvc.getMetadata().getNamespace().equals(ref.getNamespace()))) {
                continue;
            }
            Quantity have = spec.getCapacity() == null ? null : spec.getCapacity().get("storage");
            if (want != null && (have == null
                    || Quantity.getAmountInBytes(have).compareTo(Quantity.getAmountInBytes(want)) < 0)) {
                continue;
            }
            if (pvc.getSpec().getAccessModes() != null && spec.getAccessModes() != null
                    && !spec.getAccessModes().containsAll(pvc.getSpec().getAccessModes())) {
                continue;
            }
            if (pvFitsNode(pv, node)) {
                return true;
            }
        }
        return false;
    }

    static boolean pvFitsNode(PersistentVolume pv, NodeInfo node) {
        var affinity = pv.getSpec().getNodeAffinity();
        if (affinity == null || affinity.getRequired() == null
                || affinity.getRequired().getNodeSelectorTerms() == null) {
            return true;
        }
        return affinity.getRequired().getNodeSelectorTerms().stream()
                .anyMatch(t -> NodeAffinity.termMatches(t, node.labels(), node.name()));
    }
}
