package io.kybernetes.controllers.job;

import java.util.List;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** {@link JobControl} over the fabric8 client. */
public final class KubeJobControl implements JobControl {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final KubernetesClient client;

    public KubeJobControl(KubernetesClient client) {
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
    public void removeTrackingFinalizer(Pod pod) {
        List<String> rest = pod.getMetadata().getFinalizers().stream()
                .filter(f -> !f.equals(JobSync.TRACKING_FINALIZER)).toList();
        // A merge patch of the whole list: the pod's status changes often, an update would conflict.
        String patch = "{\"metadata\":{\"finalizers\":" + JSON.asJson(rest.isEmpty() ? null : rest) + "}}";
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void updateStatus(Job job) {
        client.batch().v1().jobs().resource(job).updateStatus();
    }

    @Override
    public void deleteJob(Job job) {
        try {
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName()).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
