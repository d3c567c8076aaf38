package io.kybernetes.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/** The writes of the Deployment controller, an interface so tests can record them. */
public interface ReplicaSetControl {

    /** Creates the ReplicaSet; on a name clash returns the existing one (which may belong to someone else). */
    ReplicaSet create(ReplicaSet rs);

    /** Updates spec and metadata (replicas, annotations) with optimistic concurrency; returns the stored object. */
    ReplicaSet update(ReplicaSet rs);

    void delete(ReplicaSet rs);

    void updateStatus(Deployment d);

    /** Updates metadata (the revision annotation) with optimistic concurrency. */
    void updateDeployment(Deployment d);
}
