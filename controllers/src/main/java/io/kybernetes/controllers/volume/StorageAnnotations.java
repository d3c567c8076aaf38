package io.kybernetes.controllers.volume;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/** The annotation and finalizer names the volume controllers share with the scheduler and kubectl (upstream's). */
public final class StorageAnnotations {

    /** On a claim or a volume the controller has fully bound. */
    public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    /** On the side of a binding the controller (not the user) set. */
    public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    /** On a dynamically provisioned volume: the provisioner that made it. */
    public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    /** On a claim of a dynamic class: the provisioner expected to provision it. */
    public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
    public static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
    /** Set by the scheduler on a WaitForFirstConsumer claim: the node its first pod goes to. */
    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    public static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
    public static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
    public static final String BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";
    public static final String PVC_PROTECTION = "kubernetes.io/pvc-protection";
    public static final String PV_PROTECTION = "kubernetes.io/pv-protection";
    public static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";

    private StorageAnnotations() {
    }

    public static String get(HasMetadata o, String name) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        return a == null ? null : a.get(name);
    }

    public static boolean has(HasMetadata o, String name) {
        return get(o, name) != null;
    }

    /** spec.storageClassName, else the beta annotation that preceded it; "" for none. */
    public static String className(PersistentVolumeClaim c) {
        String beta = get(c, BETA_STORAGE_CLASS);
        if (beta != null) {
            return beta;
        }
        String s = c.getSpec() == null ? null : c.getSpec().getStorageClassName();
        return s == null ? "" : s;
    }

    public static String className(PersistentVolume v) {
        String beta = get(v, BETA_STORAGE_CLASS);
        if (beta != null) {
            return beta;
        }
        String s = v.getSpec() == null ? null : v.getSpec().getStorageClassName();
        return s == null ? "" : s;
    }
}
