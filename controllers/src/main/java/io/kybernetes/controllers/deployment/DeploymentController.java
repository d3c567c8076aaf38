package io.kybernetes.controllers.deployment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.informers.Selectors;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/** Rolls Deployments out through ReplicaSets (see {@link Rollout}). */
public final class DeploymentController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(DeploymentController.class);
    public static final String NAME = "deployment";

    private final Informers informers;
    private final ReplicaSetControl api;
    private final Clock clock;
    private final QueueController queue;

    public DeploymentController(Informers informers, ReplicaSetControl api, Clock clock, int workers) {
        this.informers = informers;
        this.api = api;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers);
        informers.deployments.addEventHandler(queue.ownKeyHandler());
        informers.replicaSets.addEventHandler(queue.handler(this::deploymentsOf));
        informers.pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                // Recreate waits for the old pods to be gone.
                deploymentOfPod(pod).ifPresent(queue::enqueue);
            }
        });
    }

    public QueueController queue() {
        return queue;
    }

    private List<String> deploymentsOf(ReplicaSet rs) {
        Optional<OwnerReference> ref = Owners.controllerOf(rs);
        if (ref.isPresent()) {
            return "Deployment".equals(ref.get().getKind())
                    ? List.of(rs.getMetadata().getNamespace() + "/" + ref.get().getName()) : List.of();
        }
        List<String> keys = new ArrayList<>();
        for (Deployment d : informers.deployments.getIndexer().byIndex(Cache.NAMESPACE_INDEX,
                rs.getMetadata().getNamespace())) {
            if (Selectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels())) {
                keys.add(QueueController.key(d));
            }
        }
        return keys;
    }

    private Optional<String> deploymentOfPod(Pod pod) {
        return Owners.controllerOf(pod).filter(r -> "ReplicaSet".equals(r.getKind()))
                .map(r -> informers.replicaSets.getIndexer().getByKey(pod.getMetadata().getNamespace() + "/"
                        + r.getName()))
                .flatMap(Owners::controllerOf).filter(r -> "Deployment".equals(r.getKind()))
                .map(r -> pod.getMetadata().getNamespace() + "/" + r.getName());
    }

    @Override
    public Result reconcile(String key) {
        Deployment d = informers.deployments.getIndexer().getByKey(key);
        if (d == null) {
            return Result.done();
        }
        if (d.getSpec().getSelector() == null || !Selectors.matches(d.getSpec().getSelector(),
                d.getSpec().getTemplate().getMetadata() == null ? null
                        : d.getSpec().getTemplate().getMetadata().getLabels())) {
            LOG.warnf("deployment %s: selector does not match the template labels; not syncing", key);
            return Result.done();
        }
        List<ReplicaSet> owned = claimReplicaSets(d);
        Rollout rollout = new Rollout(d, owned, api, clock.instant(), this::hasPods);
        return rollout.run();
    }

    List<ReplicaSet> claimReplicaSets(Deployment d) {
        List<ReplicaSet> out = new ArrayList<>();
        for (ReplicaSet rs : informers.replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX,
                d.getMetadata().getNamespace())) {
            Optional<OwnerReference> ref = Owners.controllerOf(rs);
            if (ref.isPresent()) {
                if (ref.get().getUid().equals(d.getMetadata().getUid())) {
                    out.add(rs);
                }
            } else if (d.getMetadata().getDeletionTimestamp() == null && rs.getMetadata().getDeletionTimestamp() == null
                    && Selectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels())) {
                ReplicaSet copy = new ReplicaSetBuilder(rs).editMetadata()
                        .addToOwnerReferences(Owners.controllerRef(d, "apps/v1", "Deployment")).endMetadata().build();
                out.add(api.update(copy));
                LOG.infof("deployment %s/%s adopted ReplicaSet %s", d.getMetadata().getNamespace(),
                        d.getMetadata().getName(), rs.getMetadata().getName());
            }
        }
        return out;
    }

    private boolean hasPods(ReplicaSet rs) {
        return informers.pods.getIndexer().byIndex(Informers.BY_OWNER_UID, rs.getMetadata().getUid()).stream()
                .anyMatch(p -> !PodState.terminal(p));
    }
}
