package io.kybernetes.controllers.volume.protection;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.volume.StorageAnnotations;
import io.kybernetes.controllers.volume.binder.PersistentVolumeBinder;

/**
 * Storage object in use protection for claims: every claim carries the kubernetes.io/pvc-protection finalizer; a
 * deleted claim keeps it while a pod that has not terminated (Succeeded or Failed, or gone) uses the claim.
 */
public final class PvcProtectionController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(PvcProtectionController.class);
    public static final String NAME = "pvc-protection";

    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final SharedIndexInformer<Pod> pods;
    private final KubernetesClient client;
    private final QueueController queue;

    public PvcProtectionController(Informers informers, KubernetesClient client, int workers) {
        this.claims = informers.of(PersistentVolumeClaim.class);
        this.pods = informers.pods;
        this.client = client;
        this.queue = new QueueController(NAME, this, workers).dependsOn(claims, pods);
        claims.addEventHandler(queue.ownKeyHandler());
        pods.addEventHandler(queue.handler((Pod p) -> {
            List<String> keys = new ArrayList<>();
            for (String c : PersistentVolumeBinder.claimNames(p)) {
                keys.add(p.getMetadata().getNamespace() + "/" + c);
            }
            return keys;
        }));
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String key) {
        PersistentVolumeClaim cached = claims.getIndexer().getByKey(key);
        if (cached == null) {
            return Result.done();
        }
        List<String> finalizers = cached.getMetadata().getFinalizers() == null ? List.of()
                : cached.getMetadata().getFinalizers();
        boolean has = finalizers.contains(StorageAnnotations.PVC_PROTECTION);
        if (cached.getMetadata().getDeletionTimestamp() == null) {
            if (!has) {
                update(new PersistentVolumeClaimBuilder(cached).editMetadata()
                        .addToFinalizers(StorageAnnotations.PVC_PROTECTION).endMetadata().build());
            }
            return Result.done();
        }
        if (!has) {
            return Result.done();
        }
        String ns = cached.getMetadata().getNamespace();
        String name = cached.getMetadata().getName();
        if (usedBy(pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns), name)) {
            return Result.done(); // the pods' events bring the claim back
        }
        // the cache may miss a pod created just now: ask the API server before letting the claim go
        if (usedBy(client.pods().inNamespace(ns).list().getItems(), name)) {
            return Result.requeueAfter(java.time.Duration.ofSeconds(2));
        }
        update(new PersistentVolumeClaimBuilder(cached).editMetadata()
                .removeFromFinalizers(StorageAnnotations.PVC_PROTECTION).endMetadata().build());
        LOG.infof("claim %s is no longer used by a pod: removed its protection finalizer", key);
        return Result.done();
    }

    /** Whether a pod that has not terminated names the claim. */
    static boolean usedBy(List<Pod> pods, String claim) {
        return pods.stream().anyMatch(p -> !PodState.terminal(p) && PersistentVolumeBinder.claimNames(p)
                .contains(claim));
    }

    private void update(PersistentVolumeClaim c) {
        try {
            client.persistentVolumeClaims().inNamespace(c.getMetadata().getNamespace()).resource(c).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
