package io.kybernetes.controllers.replicaset;

import java.util.ArrayList;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link PodControl} over the fabric8 client. */
public final class KubePodControl implements PodControl {

    private final KubernetesClient client;

    public KubePodControl(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void createPod(Pod pod) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    }

    @Override
    public void deletePod(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void adoptPod(Pod pod, OwnerReference ref) {
        var refs = pod.getMetadata().getOwnerReferences() == null ? new ArrayList<OwnerReference>()
                : new ArrayList<>(pod.getMetadata().getOwnerReferences());
        refs.add(ref);
        // Update with the cached resourceVersion: a concurrent change fails with 409 and the key is retried.
        Pod copy = new PodBuilder(pod).editMetadata().withOwnerReferences(refs).endMetadata().build();
        client.pods().resource(copy).update();
    }

    @Override
    public void releasePod(Pod pod, String ownerUid) {
        var refs = new ArrayList<>(pod.getMetadata().getOwnerReferences());
        refs.removeIf(r -> ownerUid.equals(r.getUid()));
        Pod copy = new PodBuilder(pod).editMetadata().withOwnerReferences(refs).endMetadata().build();
        client.pods().resource(copy).update();
    }

    @Override
    public void updateStatus(ReplicaSet rs) {
        client.apps().replicaSets().resource(rs).updateStatus();
    }
}
