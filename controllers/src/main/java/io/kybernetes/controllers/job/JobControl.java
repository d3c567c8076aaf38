package io.kybernetes.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The writes of the Job controller, an interface so that tests can record them. */
public interface JobControl {

    void createPod(Pod pod);

    void deletePod(Pod pod);

    /** Removes the tracking finalizer (a pod already gone is fine). */
    void removeTrackingFinalizer(Pod pod);

    /** Replaces the status (with the cached resourceVersion: a stale write fails with 409 and is retried). */
    void updateStatus(Job job);

    /** Deletes a finished Job whose ttlSecondsAfterFinished has passed (its pods follow through the GC). */
    void deleteJob(Job job);
}
