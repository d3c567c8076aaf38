package io.kybernetes.controllers.statefulset;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;
import io.kybernetes.controllers.replicaset.PodControl;
import io.kybernetes.controllers.revision.Revisions;

/**
 * StatefulSets: pods {@code <sts>-<ordinal>} with stable hostnames in the governing service's subdomain and their
 * own PersistentVolumeClaims {@code <template>-<sts>-<ordinal>}; OrderedReady creates in order, one at a time, and
 * scales down from the highest ordinal; Parallel does both at once; RollingUpdate replaces pods from the highest
 * ordinal down to the partition, one at a time; revisions are ControllerRevisions.
 */
public final class StatefulSetController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(StatefulSetController.class);
    public static final String NAME = "statefulset";
    public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

    private final SharedIndexInformer<StatefulSet> sets;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final Revisions revisions;
    private final PodControl podControl;
    private final KubernetesClient client;
    private final Clock clock;
    private final QueueController queue;

    public StatefulSetController(Informers informers, KubernetesClient client, PodControl podControl, Clock clock,
            int workers) {
        this.sets = informers.of(StatefulSet.class);
        this.pods = informers.pods;
        this.claims = informers.of(PersistentVolumeClaim.class);
        SharedIndexInformer<ControllerRevision> revs = informers.of(ControllerRevision.class);
        this.revisions = new Revisions(revs, client);
        this.podControl = podControl;
        this.client = client;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(sets, pods, claims, revs);
        sets.addEventHandler(queue.ownKeyHandler());
        pods.addEventHandler(queue.handler((Pod p) -> ownerKey(p).map(List::of).orElse(List.of())));
    }

    public QueueController queue() {
        return queue;
    }

    private static Optional<String> ownerKey(Pod p) {
        return Owners.controllerOf(p).filter(r -> "StatefulSet".equals(r.getKind()))
                .map(r -> p.getMetadata().getNamespace() + "/" + r.getName());
    }

    /** The ordinal of a pod named {@code <sts>-<n>}; -1 if the name is not of that form. */
    static int ordinal(StatefulSet sts, Pod p) {
        String prefix = sts.getMetadata().getName() + "-";
        String n = p.getMetadata().getName();
        if (!n.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(n.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String revisionOf(Pod p) {
        return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(Revisions.HASH_LABEL);
    }

    private static boolean runningAndReady(Pod p) {
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && PodState.ready(p)
                && p.getMetadata().getDeletionTimestamp() == null;
    }

    @Override
    public Result reconcile(String key) {
        StatefulSet cached = sets.getIndexer().getByKey(key);
        if (cached == null) {
            return Result.done();
        }
        StatefulSet sts = new StatefulSetBuilder(cached).build();
        if (sts.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
        int start = sts.getSpec().getOrdinals() == null || sts.getSpec().getOrdinals().getStart() == null ? 0
                : sts.getSpec().getOrdinals().getStart();
        boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
        String update = revisions.ensure(sts, "apps/v1", "StatefulSet", sts.getSpec().getSelector(),
                sts.getSpec().getTemplate());
        String current = sts.getStatus() == null || sts.getStatus().getCurrentRevision() == null ? update
                : sts.getStatus().getCurrentRevision().substring(sts.getMetadata().getName().length() + 1);
        boolean onDelete = sts.getSpec().getUpdateStrategy() != null
                && "OnDelete".equals(sts.getSpec().getUpdateStrategy().getType());
        int partition = sts.getSpec().getUpdateStrategy() == null
                || sts.getSpec().getUpdateStrategy().getRollingUpdate() == null
                || sts.getSpec().getUpdateStrategy().getRollingUpdate().getPartition() == null ? 0
                : sts.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();

        TreeMap<Integer, Pod> byOrdinal = new TreeMap<>();
        List<Pod> condemned = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Informers.BY_OWNER_UID, sts.getMetadata().getUid())) {
            if (!Owners.isControlledBy(p, sts)) {
                continue;
            }
            int o = ordinal(sts, p);
            if (o >= start && o < start + replicas) {
                byOrdinal.put(o, p);
            } else {
                condemned.add(p);
            }
        }
        condemned.sort((a, b) -> Integer.compare(ordinal(sts, b), ordinal(sts, a)));

        // 1. Create missing pods (with their claims), replace failed ones; OrderedReady waits for each.
        boolean blocked = false;
        for (int o = start; o < start + replicas && !blocked; o++) {
            Pod p = byOrdinal.get(o);
            if (p == null) {
                String rev = o - start < partition && !onDelete ? current : update;
                ensureClaims(sts, o);
                Pod pod = newPod(sts, o, rev, templateFor(sts, rev, update));
                LOG.infof("statefulset %s: creating pod %s", key, pod.getMetadata().getName());
                createPod(pod);
                blocked = !parallel;
                continue;
            }
            if ("Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase())
                    && p.getMetadata().getDeletionTimestamp() == null) {
                LOG.infof("statefulset %s: pod %s failed, recreating", key, p.getMetadata().getName());
                podControl.deletePod(p);
                blocked = !parallel;
                continue;
            }
            if (!parallel && !runningAndReady(p)) {
                blocked = true;
            }
        }
        // 2. Scale down, highest ordinal first (OrderedReady: one at a time, once the rest is ready).
        if (!blocked) {
            for (Pod p : condemned) {
                if (p.getMetadata().getDeletionTimestamp() == null) {
                    LOG.infof("statefulset %s: scaling down, deleting %s", key, p.getMetadata().getName());
                    podControl.deletePod(p);
                }
                if (!parallel) {
                    blocked = true;
                    break;
                }
            }
        }
        // 3. Rolling update from the highest ordinal down to the partition, one pod at a time.
        boolean allReady = byOrdinal.size() == replicas && byOrdinal.values().stream()
                .allMatch(StatefulSetController::runningAndReady);
        if (!blocked && !onDelete && allReady && condemned.isEmpty()) {
            for (int o = start + replicas - 1; o >= start + partition; o--) {
                Pod p = byOrdinal.get(o);
                if (!update.equals(revisionOf(p))) {
                    LOG.infof("statefulset %s: updating pod %s to revision %s", key, p.getMetadata().getName(),
                            update);
                    podControl.deletePod(p);
                    break;
                }
            }
        }

        // 4. Status.
        Instant now = clock.instant();
        int minReady = sts.getSpec().getMinReadySeconds() == null ? 0 : sts.getSpec().getMinReadySeconds();
        List<Pod> all = new ArrayList<>(byOrdinal.values());
        all.addAll(condemned);
        int count = 0;
        int ready = 0;
        int available = 0;
        int currentReplicas = 0;
        int updated = 0;
        for (Pod p : all) {
            if (PodState.terminal(p)) {
                continue;
            }
            count++;
            ready += PodState.ready(p) ? 1 : 0;
            available += PodState.available(p, minReady, now) ? 1 : 0;
            currentReplicas += current.equals(revisionOf(p)) ? 1 : 0;
            updated += update.equals(revisionOf(p)) ? 1 : 0;
        }
        String currentRevision = current;
        if (updated == replicas && count == replicas && ready == replicas) {
            currentRevision = update; // the update is complete
            currentReplicas = updated;
        }
        StatefulSetStatus status = new StatefulSetStatusBuilder(sts.getStatus() == null ? new StatefulSetStatus()
                : sts.getStatus()).withReplicas(count).withReadyReplicas(ready).withAvailableReplicas(available)
                .withCurrentReplicas(currentReplicas).withUpdatedReplicas(updated)
                .withCurrentRevision(sts.getMetadata().getName() + "-" + currentRevision)
                .withUpdateRevision(sts.getMetadata().getName() + "-" + update)
                .withObservedGeneration(sts.getMetadata().getGeneration()).withCollisionCount(0).build();
        if (!Semantic.equal(sts.getStatus(), status)) {
            client.apps().statefulSets().resource(new StatefulSetBuilder(sts).withStatus(status).build())
                    .updateStatus();
        }
        revisions.prune(sts, sts.getSpec().getRevisionHistoryLimit() == null ? 10
                : sts.getSpec().getRevisionHistoryLimit(), List.of(update, currentRevision));
        if (minReady > 0 && ready > available) {
            return Result.requeueAfter(java.time.Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    private PodTemplateSpec templateFor(StatefulSet sts, String rev, String update) {
        if (rev.equals(update)) {
            return sts.getSpec().getTemplate();
        }
        PodTemplateSpec t = revisions.template(sts, rev);
        return t == null ? sts.getSpec().getTemplate() : t;
    }

    private void createPod(Pod pod) {
        try {
            podControl.createPod(pod);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Creates the pod's claims that do not exist yet (they outlive the pod, as upstream's default Retain). */
    private void ensureClaims(StatefulSet sts, int ordinal) {
        if (sts.getSpec().getVolumeClaimTemplates() == null) {
            return;
        }
        for (PersistentVolumeClaim tpl : sts.getSpec().getVolumeClaimTemplates()) {
            String name = claimName(sts, tpl, ordinal);
            if (claims.getIndexer().getByKey(sts.getMetadata().getNamespace() + "/" + name) != null) {
                continue;
            }
            Map<String, String> labels = new HashMap<>(tpl.getMetadata().getLabels() == null ? Map.of()
                    : tpl.getMetadata().getLabels());
            if (sts.getSpec().getSelector() != null && sts.getSpec().getSelector().getMatchLabels() != null) {
                labels.putAll(sts.getSpec().getSelector().getMatchLabels());
            }
            PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder().withNewMetadata().withName(name)
                    .withNamespace(sts.getMetadata().getNamespace()).withLabels(labels)
                    .withAnnotations(tpl.getMetadata().getAnnotations()).endMetadata().withSpec(tpl.getSpec())
                    .build();
            try {
                client.persistentVolumeClaims().inNamespace(sts.getMetadata().getNamespace()).resource(pvc).create();
                LOG.infof("statefulset %s/%s: created claim %s", sts.getMetadata().getNamespace(),
                        sts.getMetadata().getName(), name);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    static String claimName(StatefulSet sts, PersistentVolumeClaim tpl, int ordinal) {
        return tpl.getMetadata().getName() + "-" + sts.getMetadata().getName() + "-" + ordinal;
    }

    static Pod newPod(StatefulSet sts, int ordinal, String revision, PodTemplateSpec t) {
        String name = sts.getMetadata().getName() + "-" + ordinal;
        Map<String, String> labels = new HashMap<>(t.getMetadata() == null || t.getMetadata().getLabels() == null
                ? Map.of() : t.getMetadata().getLabels());
        labels.put(Revisions.HASH_LABEL, revision);
        labels.put(POD_NAME_LABEL, name);
        labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
        PodSpec spec = new PodSpecBuilder(t.getSpec()).build();
        spec.setHostname(name);
        spec.setSubdomain(sts.getSpec().getServiceName());
        if (sts.getSpec().getVolumeClaimTemplates() != null) {
            List<Volume> volumes = new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
            for (PersistentVolumeClaim tpl : sts.getSpec().getVolumeClaimTemplates()) {
                volumes.removeIf(v -> v.getName().equals(tpl.getMetadata().getName()));
                volumes.add(new VolumeBuilder().withName(tpl.getMetadata().getName()).withNewPersistentVolumeClaim()
                        .withClaimName(claimName(sts, tpl, ordinal)).endPersistentVolumeClaim().build());
            }
            spec.setVolumes(volumes);
        }
        Map<String, String> annotations = t.getMetadata() == null ? null : t.getMetadata().getAnnotations();
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(sts.getMetadata().getNamespace())
                .withLabels(labels).withAnnotations(annotations == null || annotations.isEmpty() ? null
                        : new HashMap<>(annotations))
                .withOwnerReferences(Owners.controllerRef(sts, "apps/v1", "StatefulSet")).endMetadata()
                .withSpec(spec).build();
    }
}
