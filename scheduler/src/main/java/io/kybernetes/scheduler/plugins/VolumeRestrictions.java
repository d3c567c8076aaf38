package io.kybernetes.scheduler.plugins;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;

/**
 * NoDiskConflict: a node fails when a pod on it already mounts the same GCE PD or RBD image (unless both mount it
 * read-only), the same AWS EBS volume, or the same iSCSI IQN (unless both read-only); as upstream's
 * VolumeRestrictions.
 */
public final class VolumeRestrictions implements FilterPlugin {

    public static final String NAME = "VolumeRestrictions";
    public static final String REASON = "node(s) had no available disk";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (pod.getSpec().getVolumes() == null || pod.getSpec().getVolumes().isEmpty()) {
            return Status.success();
        }
        for (Volume v : pod.getSpec().getVolumes()) {
            for (Pod other : node.pods()) {
                if (other.getSpec().getVolumes() == null) {
                    continue;
                }
                for (Volume o : other.getSpec().getVolumes()) {
                    if (conflict(v, o)) {
                        return Status.unschedulable(NAME, REASON);
                    }
                }
            }
        }
        return Status.success();
    }

    static boolean conflict(Volume v, Volume o) {
        if (v.getGcePersistentDisk() != null && o.getGcePersistentDisk() != null) {
            var a = v.getGcePersistentDisk();
            var b = o.getGcePersistentDisk();
            return Objects.equals(a.getPdName(), b.getPdName())
                    && !(Boolean.TRUE.equals(a.getReadOnly()) && Boolean.TRUE.equals(b.getReadOnly()));
        }
        if (v.getAwsElasticBlockStore() != null && o.getAwsElasticBlockStore() != null) {
            return Objects.equals(v.getAwsElasticBlockStore().getVolumeID(),
                    o.getAwsElasticBlockStore().getVolumeID());
        }
        if (v.getIscsi() != null && o.getIscsi() != null) {
            return Objects.equals(v.getIscsi().getIqn(), o.getIscsi().getIqn())
                    && !(Boolean.TRUE.equals(v.getIscsi().getReadOnly())
                            && Boolean.TRUE.equals(o.getIscsi().getReadOnly()));
        }
        if (v.getRbd() != null && o.getRbd() != null) {
            var a = v.getRbd();
            var b = o.getRbd();
            boolean sharedMonitor = a.getMonitors() != null && b.getMonitors() != null
                    && a.getMonitors().stream().anyMatch(b.getMonitors()::contains);
            return sharedMonitor && Objects.equals(pool(a.getPool()), pool(b.getPool()))
                    && Objects.equals(a.getImage(), b.getImage())
                    && !(Boolean.TRUE.equals(a.getReadOnly()) && Boolean.TRUE.equals(b.getReadOnly()));
        }
        return false;
    }

    private static String pool(String p) {
        return p == null || p.isEmpty() ? "rbd" : p;
    }
}
