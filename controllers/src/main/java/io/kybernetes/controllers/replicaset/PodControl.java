package io.kybernetes.controllers.replicaset;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/** The writes of the ReplicaSet controller, an interface so that tests can fake them. */
public interface PodControl {

    void createPod(Pod pod);

    void deletePod(Pod pod);

    /** Adds a controller owner reference to an orphan pod. */
    void adoptPod(Pod pod, OwnerReference ref);

    /** Removes the owner reference with {@code ownerUid} from a pod that no longer matches its owner. */
    void releasePod(Pod pod, String ownerUid);

    void updateStatus(ReplicaSet rs);
}
