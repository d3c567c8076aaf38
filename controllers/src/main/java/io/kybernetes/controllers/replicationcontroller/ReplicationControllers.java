package io.kybernetes.controllers.replicationcontroller;

import java.time.Clock;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.replicaset.KubePodControl;
import io.kybernetes.controllers.replicaset.PodControl;
import io.kybernetes.controllers.replicaset.ReplicaSetController;

/**
 * The ReplicationController controller: the ReplicaSet controller over ReplicationControllers seen as
 * ReplicaSets (a map selector, defaulting to the template's labels, becomes matchLabels), as upstream reuses it.
 */
public final class ReplicationControllers {

    public static final String NAME = "replicationcontroller";

    private ReplicationControllers() {
    }

    public static QueueController start(Informers informers, KubernetesClient client, Clock clock, int workers) {
        SharedIndexInformer<ReplicationController> rcs = informers.of(ReplicationController.class);
        PodControl pods = new KubePodControl(client);
        PodControl control = new PodControl() {
            @Override
            public void createPod(Pod pod) {
                pods.createPod(pod);
            }

            @Override
            public void deletePod(Pod pod) {
                pods.deletePod(pod);
            }

            @Override
            public void adoptPod(Pod pod, OwnerReference ref) {
                pods.adoptPod(pod, ref);
            }

            @Override
            public void releasePod(Pod pod, String ownerUid) {
                pods.releasePod(pod, ownerUid);
            }

            @Override
            public void updateStatus(ReplicaSet rs) {
                ReplicationController rc = rcs.getIndexer().getByKey(QueueController.key(rs));
                if (rc != null) {
                    client.replicationControllers().resource(new ReplicationControllerBuilder(rc)
                            .withStatus(status(rs, rc)).build()).updateStatus();
                }
            }
        };
        return new ReplicaSetController(informers, new ReplicaSetController.Managed<>(NAME, "v1",
                "ReplicationController", rcs, ReplicationControllers::view), control, clock, workers).queue();
    }

    /** The ReplicationController as a ReplicaSet with the same name, uid, spec and status counts. */
    static ReplicaSet view(ReplicationController rc) {
        Map<String, String> selector = rc.getSpec().getSelector();
        if ((selector == null || selector.isEmpty()) && rc.getSpec().getTemplate() != null
                && rc.getSpec().getTemplate().getMetadata() != null) {
            selector = rc.getSpec().getTemplate().getMetadata().getLabels();
        }
        ReplicationControllerStatus s = rc.getStatus();
        ReplicaSetBuilder b = new ReplicaSetBuilder().withMetadata(new ObjectMetaBuilder(rc.getMetadata()).build())
                .withNewSpec().withReplicas(rc.getSpec().getReplicas())
                .withMinReadySeconds(rc.getSpec().getMinReadySeconds()).withNewSelector()
                .withMatchLabels(selector).endSelector().withTemplate(rc.getSpec().getTemplate()).endSpec();
        if (s != null) {
            b.withNewStatus().withReplicas(s.getReplicas()).withFullyLabeledReplicas(s.getFullyLabeledReplicas())
                    .withReadyReplicas(s.getReadyReplicas()).withAvailableReplicas(s.getAvailableReplicas())
                    .withObservedGeneration(s.getObservedGeneration()).endStatus();
        }
        return b.build();
    }

    static ReplicationControllerStatus status(ReplicaSet rs, ReplicationController rc) {
        var st = rs.getStatus();
        return new ReplicationControllerStatusBuilder(rc.getStatus() == null ? new ReplicationControllerStatus()
                : rc.getStatus()).withReplicas(st.getReplicas()).withFullyLabeledReplicas(st.getFullyLabeledReplicas())
                .withReadyReplicas(st.getReadyReplicas()).withAvailableReplicas(st.getAvailableReplicas())
                .withObservedGeneration(st.getObservedGeneration()).build();
    }
}
