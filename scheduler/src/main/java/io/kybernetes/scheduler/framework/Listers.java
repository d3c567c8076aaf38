package io.kybernetes.scheduler.framework;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/**
 * Read access to the cluster objects some plugins need besides nodes and pods (informer caches in the
 * scheduler, fixed lists in tests). Every method has an empty default so a test overrides only what it uses.
 */
public interface Listers {

    Listers NONE = new Listers() {
    };

    default PersistentVolumeClaim pvc(String namespace, String name) {
        return null;
    }

    default PersistentVolume pv(String name) {
        return null;
    }

    default List<PersistentVolume> pvs() {
        return List.of();
    }

    default StorageClass storageClass(String name) {
        return null;
    }

    /** The labels of a namespace, or null when it is not known. */
    default Map<String, String> namespaceLabels(String namespace) {
        return null;
    }

    default List<Service> services(String namespace) {
        return List.of();
    }

    default List<ReplicationController> replicationControllers(String namespace) {
        return List.of();
    }

    default List<ReplicaSet> replicaSets(String namespace) {
        return List.of();
    }

    default List<StatefulSet> statefulSets(String namespace) {
        return List.of();
    }

    default List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
        return List.of();
    }

    /** The value of a PriorityClass, or null when there is no such class. */
    default Integer priorityClassValue(String name) {
        return null;
    }

    /** The value of the globalDefault PriorityClass, or null. */
    default Integer globalDefaultPriority() {
        return null;
    }
}
