package io.kybernetes.controllers.volume.binder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.volume.StorageAnnotations;
import io.kybernetes.controllers.volume.provisioner.Provisioner;
import io.kybernetes.controllers.volume.provisioner.Provisioner.Deletion;
import io.kybernetes.controllers.volume.provisioner.Provisioner.ProvisioningException;

/**
 * Upstream's PersistentVolume controller: binds claims to volumes, provisions volumes for claims of classes whose
 * provisioner runs in-process, assigns the default StorageClass to claims without one, and reclaims volumes whose
 * claim is gone (Retain: Released; Delete: the provisioner removes the storage, then the volume is deleted).
 * One queue holds both kinds of key: {@code pvc:<namespace>/<name>} and {@code pv:<name>}. Unbound claims are
 * looked at again every {@link #RESYNC} as upstream's periodic resync does.
 */
public final class PersistentVolumeBinder implements Reconciler {

    private static final Logger LOG = Logger.getLogger(PersistentVolumeBinder.class);
    public static final String NAME = "persistentvolume-binder";
    static final String CLAIM = "pvc:";
    static final String VOLUME = "pv:";
    static final Duration RESYNC = Duration.ofSeconds(15);
    static final Duration DELETE_POLL = Duration.ofSeconds(2);
    static final String NO_CLASS_MESSAGE = "no persistent volumes available for this claim and no storage class is set";

    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final SharedIndexInformer<PersistentVolume> volumes;
    private final SharedIndexInformer<StorageClass> classes;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Pod> pods;
    private final KubernetesClient client;
    private final EventRecorder events;
    private final Map<String, Provisioner> provisioners = new HashMap<>();
    private final QueueController queue;
    /** The last event recorded per object uid, so that a resync repeats no event. */
    private final Map<String, String> lastEvent = new ConcurrentHashMap<>();
    /** Name to uid of the volumes this controller deleted, so that a stale cache starts no second deletion. */
    private final Map<String, String> deleted = new ConcurrentHashMap<>();

    public PersistentVolumeBinder(Informers informers, KubernetesClient client, EventRecorder events,
            Collection<Provisioner> provisioners, int workers) {
        this.claims = informers.of(PersistentVolumeClaim.class);
        this.volumes = informers.of(PersistentVolume.class);
        this.classes = informers.of(StorageClass.class);
        this.nodes = informers.of(Node.class);
        this.pods = informers.pods;
        this.client = client;
        this.events = events;
        provisioners.forEach(p -> this.provisioners.put(p.name(), p));
        this.queue = new QueueController(NAME, this, workers).dependsOn(claims, volumes, classes, nodes, pods);
        claims.addEventHandler(queue.handler((PersistentVolumeClaim c) -> {
            // a provisioned volume is named after its claim's uid: it learns so when the claim goes early
            List<String> keys = new ArrayList<>(List.of(CLAIM + QueueController.key(c),
                    VOLUME + "pvc-" + c.getMetadata().getUid()));
            if (c.getSpec() != null && c.getSpec().getVolumeName() != null && !c.getSpec().getVolumeName().isEmpty()) {
                keys.add(VOLUME + c.getSpec().getVolumeName());
            }
            return keys;
        }));
        volumes.addEventHandler(queue.handler((PersistentVolume v) -> {
            List<String> keys = new ArrayList<>(List.of(VOLUME + v.getMetadata().getName()));
            var ref = v.getSpec() == null ? null : v.getSpec().getClaimRef();
            if (ref != null) {
                keys.add(CLAIM + ref.getNamespace() + "/" + ref.getName());
            } else {
                keys.addAll(unboundClaimKeys());
            }
            return keys;
        }));
        classes.addEventHandler(queue.handler((StorageClass sc) -> unboundClaimKeys()));
        pods.addEventHandler(queue.handler((Pod p) -> podKeys(p)));
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String key) {
        if (key.startsWith(CLAIM)) {
            return syncClaim(key.substring(CLAIM.length()));
        }
        return syncVolume(key.substring(VOLUME.length()));
    }

    // ------------------------------------------------------------------------------------------------ claims

    Result syncClaim(String key) {
        PersistentVolumeClaim cached = claims.getIndexer().getByKey(key);
        if (cached == null) {
            return Result.done();
        }
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder(cached).build();
        String volumeName = claim.getSpec().getVolumeName();
        return volumeName == null || volumeName.isEmpty() ? syncUnboundClaim(claim) : syncBoundClaim(claim);
    }

    private Result syncUnboundClaim(PersistentVolumeClaim claim) {
        if (claim.getSpec().getStorageClassName() == null
                && !StorageAnnotations.has(claim, StorageAnnotations.BETA_STORAGE_CLASS)) {
            StorageClass def = defaultClass(classes.getIndexer().list());
            if (def != null) {
                claim.getSpec().setStorageClassName(def.getMetadata().getName());
                client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim)
                        .update();
                LOG.infof("claim %s gets the default storage class %s", QueueController.key(claim),
                        def.getMetadata().getName());
                return Result.done();
            }
        }
        String cls = StorageAnnotations.className(claim);
        StorageClass sc = cls.isEmpty() ? null : classes.getIndexer().getByKey(cls);
        boolean delay = sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
        String selected = StorageAnnotations.get(claim, StorageAnnotations.SELECTED_NODE);
        if (selected == null && delay) {
            selected = consumerNode(claim);
        }
        Node node = selected == null ? null : node(selected);
        PersistentVolume pv = ClaimMatcher.findBest(claim, volumes.getIndexer().list(), node, delay);
        if (pv != null) {
            bind(pv, claim);
            return Result.done();
        }
        if (sc == null) {
            if (cls.isEmpty()) {
                event(claim, "Normal", "FailedBinding", NO_CLASS_MESSAGE);
            } else {
                event(claim, "Warning", "ProvisioningFailed", "storageclass.storage.k8s.io \"" + cls + "\" not found");
            }
            return Result.requeueAfter(RESYNC);
        }
        if (delay && selected == null) {
            event(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
            return Result.requeueAfter(RESYNC);
        }
        String provisionerName = sc.getProvisioner();
        if (StorageAnnotations.NO_PROVISIONER.equals(provisionerName)) {
            event(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim");
            return Result.requeueAfter(RESYNC);
        }
        if (!provisionerName.equals(StorageAnnotations.get(claim, StorageAnnotations.STORAGE_PROVISIONER))) {
            annotate(claim.getMetadata(), StorageAnnotations.STORAGE_PROVISIONER, provisionerName);
            annotate(claim.getMetadata(), StorageAnnotations.BETA_STORAGE_PROVISIONER, provisionerName);
            client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim).update();
            return Result.done();
        }
        Provisioner provisioner = provisioners.get(provisionerName);
        if (provisioner == null) {
            event(claim, "Normal", "ExternalProvisioning", "Waiting for a volume to be created either by the "
                    + "external provisioner '" + provisionerName + "' or manually by the system administrator. If "
                    + "volume creation is delayed, please verify that the provisioner is running and correctly "
                    + "registered.");
            return Result.requeueAfter(RESYNC);
        }
        if (claim.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        return provision(provisioner, claim, sc, selected);
    }

    private Result provision(Provisioner provisioner, PersistentVolumeClaim claim, StorageClass sc, String node) {
        String pvName = "pvc-" + claim.getMetadata().getUid();
        if (volumes.getIndexer().getByKey(pvName) != null) {
            return Result.done(); // provisioned already; its event binds the claim
        }
        PersistentVolume pv;
        try {
            pv = provisioner.provision(claim, sc, node, pvName);
        } catch (ProvisioningException e) {
            event(claim, "Warning", "ProvisioningFailed", "failed to provision volume with StorageClass \""
                    + sc.getMetadata().getName() + "\": " + e.getMessage());
            return Result.requeueAfter(RESYNC);
        }
        try {
            client.persistentVolumes().resource(pv).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        LOG.infof("provisioned volume %s for claim %s on node %s", pvName, QueueController.key(claim), node);
        event(claim, "Normal", "ProvisioningSucceeded", "Successfully provisioned volume " + pvName);
        return Result.done();
    }

    private Result syncBoundClaim(PersistentVolumeClaim claim) {
        String volumeName = claim.getSpec().getVolumeName();
        PersistentVolume pv = volumes.getIndexer().getByKey(volumeName);
        boolean wasBound = StorageAnnotations.has(claim, StorageAnnotations.BIND_COMPLETED);
        if (pv == null) {
            if (wasBound) {
                setClaimPhase(claim, "Lost");
                event(claim, "Warning", "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on "
                        + "the volume is lost!");
            }
            return Result.requeueAfter(RESYNC);
        }
        if (pv.getSpec().getClaimRef() == null) {
            String why = ClaimMatcher.unsatisfied(pv, claim);
            if (why != null) {
                event(claim, "Warning", "FailedBinding", "Cannot bind to requested volume \"" + volumeName + "\": "
                        + why);
                return Result.requeueAfter(RESYNC);
            }
            bind(pv, claim);
            return Result.done();
        }
        if (ClaimMatcher.boundTo(pv, claim)) {
            bind(pv, claim);
            return Result.done();
        }
        if (wasBound) {
            setClaimPhase(claim, "Lost");
            event(claim, "Warning", "ClaimMisbound", "Two claims are bound to the same volume, this one is bound "
                    + "incorrectly");
            return Result.done();
        }
        event(claim, "Warning", "FailedBinding", "volume \"" + volumeName + "\" already bound to a different claim.");
        return Result.requeueAfter(RESYNC);
    }

    /** Completes both sides of a binding, volume first (as upstream), writing only what is missing. */
    void bind(PersistentVolume cachedPv, PersistentVolumeClaim claim) {
        PersistentVolume pv = new PersistentVolumeBuilder(cachedPv).build();
        var ref = pv.getSpec().getClaimRef();
        boolean refDone = ref != null && Objects.equals(ref.getUid(), claim.getMetadata().getUid());
        if (!refDone) {
            if (ref == null) {
                annotate(pv.getMetadata(), StorageAnnotations.BOUND_BY_CONTROLLER, "yes");
            }
            pv.getSpec().setClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim")
                    .withApiVersion("v1").withNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
                    .withResourceVersion(claim.getMetadata().getResourceVersion()).build());
            pv = client.persistentVolumes().resource(pv).update();
        }
        if (!"Bound".equals(ClaimMatcher.phase(pv))) {
            pv = new PersistentVolumeBuilder(pv).editOrNewStatus().withPhase("Bound").withMessage(null)
                    .withReason(null).endStatus().build();
            pv = client.persistentVolumes().resource(pv).updateStatus();
        }
        String ns = claim.getMetadata().getNamespace();
        boolean specChanged = false;
        if (!pv.getMetadata().getName().equals(claim.getSpec().getVolumeName())) {
            claim.getSpec().setVolumeName(pv.getMetadata().getName());
            annotate(claim.getMetadata(), StorageAnnotations.BOUND_BY_CONTROLLER, "yes");
            specChanged = true;
        }
        if (!StorageAnnotations.has(claim, StorageAnnotations.BIND_COMPLETED)) {
            annotate(claim.getMetadata(), StorageAnnotations.BIND_COMPLETED, "yes");
            specChanged = true;
        }
        if (specChanged) {
            claim = client.persistentVolumeClaims().inNamespace(ns).resource(claim).update();
        }
        var status = claim.getStatus();
        boolean statusDone = status != null && "Bound".equals(status.getPhase())
                && Objects.equals(status.getCapacity(), pv.getSpec().getCapacity())
                && Objects.equals(status.getAccessModes(), pv.getSpec().getAccessModes());
        if (!statusDone) {
            claim = new PersistentVolumeClaimBuilder(claim).withStatus(new PersistentVolumeClaimStatusBuilder(
                    status == null ? new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus() : status)
                    .withPhase("Bound").withCapacity(pv.getSpec().getCapacity())
                    .withAccessModes(pv.getSpec().getAccessModes()).build()).build();
            client.persistentVolumeClaims().inNamespace(ns).resource(claim).updateStatus();
            LOG.infof("bound claim %s/%s to volume %s", ns, claim.getMetadata().getName(),
                    pv.getMetadata().getName());
            lastEvent.remove(claim.getMetadata().getUid());
        }
    }

    private void setClaimPhase(PersistentVolumeClaim claim, String phase) {
        if (claim.getStatus() != null && phase.equals(claim.getStatus().getPhase())) {
            return;
        }
        PersistentVolumeClaim c = new PersistentVolumeClaimBuilder(claim).editOrNewStatus().withPhase(phase)
                .endStatus().build();
        client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(c).updateStatus();
    }

    // ----------------------------------------------------------------------------------------------- volumes

    Result syncVolume(String name) {
        PersistentVolume cached = volumes.getIndexer().getByKey(name);
        if (cached == null) {
            deleted.remove(name);
            provisioners.values().forEach(p -> p.forget(name));
            return Result.done();
        }
        if (cached.getMetadata().getUid() != null && cached.getMetadata().getUid().equals(deleted.get(name))) {
            return Result.done();
        }
        PersistentVolume pv = new PersistentVolumeBuilder(cached).build();
        var ref = pv.getSpec().getClaimRef();
        if (ref == null || ref.getUid() == null || ref.getUid().isEmpty()) {
            // unused, or pre-bound by the user to a claim that the claim's sync binds
            setVolumePhase(pv, "Available", null);
            return Result.done();
        }
        PersistentVolumeClaim claim = claims.getIndexer().getByKey(ref.getNamespace() + "/" + ref.getName());
        if (claim == null) {
            // the cache may lag behind a claim created just now: ask the API server before releasing
            claim = client.persistentVolumeClaims().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
        }
        if (claim != null && !ref.getUid().equals(claim.getMetadata().getUid())) {
            claim = null;
        }
        if (claim == null) {
            return release(pv);
        }
        String claimVolume = claim.getSpec().getVolumeName();
        if (claimVolume == null || claimVolume.isEmpty()) {
            queue.enqueue(CLAIM + QueueController.key(claim)); // binding in progress: the claim's sync ends it
            return Result.done();
        }
        if (claimVolume.equals(name)) {
            setVolumePhase(pv, "Bound", null);
            return Result.done();
        }
        // the claim is bound to another volume
        if (StorageAnnotations.has(pv, StorageAnnotations.PROVISIONED_BY)) {
            return release(pv);
        }
        if (StorageAnnotations.has(pv, StorageAnnotations.BOUND_BY_CONTROLLER)) {
            pv.getSpec().setClaimRef(null);
            pv.getMetadata().getAnnotations().remove(StorageAnnotations.BOUND_BY_CONTROLLER);
            client.persistentVolumes().resource(pv).update();
            LOG.infof("unbound volume %s from claim %s, bound elsewhere", name, QueueController.key(claim));
        }
        return Result.done();
    }

    private Result release(PersistentVolume pv) {
        String phase = ClaimMatcher.phase(pv);
        if (!"Released".equals(phase) && !"Failed".equals(phase)) {
            pv = setVolumePhase(pv, "Released", null);
            LOG.infof("volume %s released by claim %s/%s", pv.getMetadata().getName(),
                    pv.getSpec().getClaimRef().getNamespace(), pv.getSpec().getClaimRef().getName());
        }
        return reclaim(pv);
    }

    Result reclaim(PersistentVolume pv) {
        String policy = Objects.requireNonNullElse(pv.getSpec().getPersistentVolumeReclaimPolicy(), "Retain");
        String name = pv.getMetadata().getName();
        switch (policy) {
            case "Retain":
                return Result.done();
            case "Delete":
                break;
            default:
                setVolumePhase(pv, "Failed", "reclaim policy " + policy + " is not supported");
                event(pv, "Warning", "VolumeFailedRecycle", "reclaim policy " + policy + " is not supported");
                return Result.done();
        }
        if (pv.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        String by = StorageAnnotations.get(pv, StorageAnnotations.PROVISIONED_BY);
        Provisioner provisioner = by == null ? null : provisioners.get(by);
        if (provisioner == null) {
            String message = "error getting deleter volume plugin for volume \"" + name
                    + "\": no deletable volume plugin matched";
            setVolumePhase(pv, "Failed", message);
            event(pv, "Warning", "VolumeFailedDelete", message);
            return Result.done();
        }
        Deletion d = provisioner.delete(pv);
        switch (d.state()) {
            case DONE:
                deleted.put(name, pv.getMetadata().getUid());
                client.persistentVolumes().withName(name).delete();
                LOG.infof("deleted volume %s (reclaim policy Delete)", name);
                return Result.done();
            case IN_PROGRESS:
                return Result.requeueAfter(DELETE_POLL);
            default:
                event(pv, "Warning", "VolumeFailedDelete", d.message());
                return Result.requeue();
        }
    }

    private PersistentVolume setVolumePhase(PersistentVolume pv, String phase, String message) {
        if (phase.equals(ClaimMatcher.phase(pv))
                && Objects.equals(message, pv.getStatus() == null ? null : pv.getStatus().getMessage())) {
            return pv;
        }
        PersistentVolume v = new PersistentVolumeBuilder(pv).editOrNewStatus().withPhase(phase).withMessage(message)
                .withLastPhaseTransitionTime(io.kybernetes.controllers.reconcile.Times.format(Instant.now()))
                .endStatus().build();
        return client.persistentVolumes().resource(v).updateStatus();
    }

    // ------------------------------------------------------------------------------------------------ lookups

    /** The default StorageClass: the newest of those annotated default (upstream's choice when several are). */
    public static StorageClass defaultClass(Collection<StorageClass> all) {
        return all.stream().filter(sc -> "true".equals(StorageAnnotations.get(sc, StorageAnnotations.DEFAULT_CLASS))
                || "true".equals(StorageAnnotations.get(sc, StorageAnnotations.BETA_DEFAULT_CLASS)))
                .max(Comparator.comparing((StorageClass sc) -> Objects.requireNonNullElse(
                        sc.getMetadata().getCreationTimestamp(), ""))
                        .thenComparing(sc -> sc.getMetadata().getName(), Comparator.reverseOrder()))
                .orElse(null);
    }

    /** The node of a scheduled, running pod that uses the claim (static WaitForFirstConsumer binding). */
    private String consumerNode(PersistentVolumeClaim claim) {
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, claim.getMetadata().getNamespace())) {
            if (p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty() && !PodState.terminal(p)
                    && claimNames(p).contains(claim.getMetadata().getName())) {
                return p.getSpec().getNodeName();
            }
        }
        return null;
    }

    private Node node(String name) {
        Node n = nodes.getIndexer().getByKey(name);
        // a node not (yet) known: its hostname label is its name, as the kubelet sets it
        return n != null ? n : new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).endMetadata().build();
    }

    /** The claims a pod's volumes name (a generic ephemeral volume's claim is {@code <pod>-<volume>}). */
    public static List<String> claimNames(Pod pod) {
        List<String> out = new ArrayList<>();
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
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

    private List<String> podKeys(Pod p) {
        List<String> keys = new ArrayList<>();
        var labels = p.getMetadata().getLabels();
        String helperOf = labels == null ? null : labels.get(
                io.kybernetes.controllers.volume.provisioner.LocalPathProvisioner.HELPER_LABEL);
        if (helperOf != null) {
            keys.add(VOLUME + helperOf);
        }
        if (p.getSpec() != null && p.getSpec().getNodeName() != null) {
            for (String c : claimNames(p)) {
                keys.add(CLAIM + p.getMetadata().getNamespace() + "/" + c);
            }
        }
        return keys;
    }

    private List<String> unboundClaimKeys() {
        List<String> keys = new ArrayList<>();
        for (PersistentVolumeClaim c : claims.getIndexer().list()) {
            if (c.getSpec() == null || c.getSpec().getVolumeName() == null || c.getSpec().getVolumeName().isEmpty()) {
                keys.add(CLAIM + QueueController.key(c));
            }
        }
        return keys;
    }

    private static void annotate(io.fabric8.kubernetes.api.model.ObjectMeta meta, String name, String value) {
        if (meta.getAnnotations() == null) {
            meta.setAnnotations(new HashMap<>());
        }
        meta.getAnnotations().put(name, value);
    }

    private void event(io.fabric8.kubernetes.api.model.HasMetadata o, String type, String reason, String message) {
        String uid = Objects.requireNonNullElse(o.getMetadata().getUid(), QueueController.key(o));
        String what = reason + ":" + message;
        if (!what.equals(lastEvent.put(uid, what))) {
            events.event(o, type, reason, message);
        }
    }
}
