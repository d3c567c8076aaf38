package io.kybernetes.controllers.deployment;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link ReplicaSetControl} over the fabric8 client. */
public final class KubeReplicaSetControl implements ReplicaSetControl {

    private final KubernetesClient client;

    public KubeReplicaSetControl(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public ReplicaSet create(ReplicaSet rs) {
        try {
            return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            ReplicaSet existing = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                    .withName(rs.getMetadata().getName()).get();
            if (existing == null) {
                throw e;
            }
            return existing;
        }
    }

    @Override
    public ReplicaSet update(ReplicaSet rs) {
        return client.apps().replicaSets().resource(rs).update();
    }

    @Override
    public void delete(ReplicaSet rs) {
        client.apps().replicaSets().resource(rs).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    @Override
    public void updateStatus(Deployment d) {
        client.apps().deployments().resource(d).updateStatus();
    }

    @Override
    public void updateDeployment(Deployment d) {
        client.apps().deployments().resource(d).update();
    }
}
