package io.kybernetes.controllers.cronjob;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link CronJobControl} over the fabric8 client. */
public final class KubeCronJobControl implements CronJobControl {

    private final KubernetesClient client;

    public KubeCronJobControl(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Job createJob(Job job) {
        try {
            return client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return null;
            }
            throw e;
        }
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

    @Override
    public void updateStatus(CronJob cronJob) {
        client.batch().v1().cronjobs().resource(cronJob).updateStatus();
    }
}
