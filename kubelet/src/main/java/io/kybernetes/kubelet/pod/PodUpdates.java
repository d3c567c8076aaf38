package io.kybernetes.kubelet.pod;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;

/** Which watched pod updates need a sync of the pod (pure). */
public final class PodUpdates {

    private PodUpdates() {
    }

    /**
     * False only for an update that changed nothing but the status and kept the phase: the kubelet's own status
     * writes. Upstream's kubelet ignores those too; syncing on them doubled the syncs of every starting pod and
     * turned an ErrImagePull into ImagePullBackOff before anyone could see it. A resync (same resourceVersion), a
     * change of spec, labels, annotations or deletion, and a new phase (a terminal pod frees its sandbox) all sync.
     */
    public static boolean needsSync(Pod before, Pod after) {
        if (before == null || after == null || before.getMetadata() == null || after.getMetadata() == null) {
            return true;
        }
        ObjectMeta a = before.getMetadata();
        ObjectMeta b = after.getMetadata();
        if (Objects.equals(a.getResourceVersion(), b.getResourceVersion())) {
            return true; // the informer's periodic resync: configMap/secret/downward API volumes are refreshed then
        }
        return !Objects.equals(a.getUid(), b.getUid())
                || !Objects.equals(before.getSpec(), after.getSpec())
                || !Objects.equals(a.getLabels(), b.getLabels())
                || !Objects.equals(a.getAnnotations(), b.getAnnotations())
                || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
                || !Objects.equals(a.getDeletionGracePeriodSeconds(), b.getDeletionGracePeriodSeconds())
                || !Objects.equals(phase(before), phase(after));
    }

    private static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }
}
