package io.kybernetes.controllers.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The writes of the CronJob controller, an interface so that tests can record them. */
public interface CronJobControl {

    /** Creates the Job and returns it as stored; null when a Job of that name already exists. */
    Job createJob(Job job);

    /** Deletes a Job with propagationPolicy Background (a Job already gone is fine). */
    void deleteJob(Job job);

    void updateStatus(CronJob cronJob);
}
