package io.kybernetes.controllers.volume.protection;

import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.volume.StorageAnnotations;
import io.kybernetes.controllers.volume.binder.ClaimMatcher;

/**
 * Storage object in use protection for volumes: every volume carries the kubernetes.io/pv-protection finalizer;
 * a deleted volume keeps it while it is Bound to a claim.
 */
public final class PvProtectionController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(PvProtectionController.class);
    public static final String NAME = "pv-protection";

    private final SharedIndexInformer<PersistentVolume> volumes;
    private final KubernetesClient client;
    private final QueueController queue;

    public PvProtectionController(Informers informers, KubernetesClient client, int workers) {
        this.volumes = informers.of(PersistentVolume.class);
        this.client = client;
        this.queue = new QueueController(NAME, this, workers).dependsOn(volumes);
        volumes.addEventHandler(queue.ownKeyHandler());
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String name) {
        PersistentVolume cached = volumes.getIndexer().getByKey(name);
        if (cached == null) {
            return Result.done();
        }
        List<String> finalizers = cached.getMetadata().getFinalizers() == null ? List.of()
                : cached.getMetadata().getFinalizers();
        boolean has = finalizers.contains(StorageAnnotations.PV_PROTECTION);
        if (cached.getMetadata().getDeletionTimestamp() == null) {
            if (!has) {
                update(new PersistentVolumeBuilder(cached).editMetadata()
                        .addToFinalizers(StorageAnnotations.PV_PROTECTION).endMetadata().build());
            }
            return Result.done();
        }
        if (has && !"Bound".equals(ClaimMatcher.phase(cached))) {
            update(new PersistentVolumeBuilder(cached).editMetadata()
                    .removeFromFinalizers(StorageAnnotations.PV_PROTECTION).endMetadata().build());
            LOG.infof("volume %s is not bound: removed its protection finalizer", name);
        }
        return Result.done();
    }

    private void update(PersistentVolume v) {
        try {
            client.persistentVolumes().resource(v).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
