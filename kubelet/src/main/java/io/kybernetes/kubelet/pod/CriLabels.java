package io.kybernetes.kubelet.pod;

/** The label keys the kubelet puts on CRI sandboxes and containers (the ones upstream uses). */
public final class CriLabels {

    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** Marks the objects this kubelet manages, so garbage collection never touches anything else. */
    public static final String MANAGED_BY = "io.kybernetes.managed-by";
    public static final String MANAGED_BY_VALUE = "kubelet";
    /** Annotation on containers: "init" for init containers. */
    public static final String CONTAINER_KIND = "io.kybernetes.container.kind";
    /** Annotation on containers: the pod's termination grace period, for stops after a force-delete. */
    public static final String GRACE_PERIOD = "io.kubernetes.pod.terminationGracePeriod";

    private CriLabels() {
    }
}
