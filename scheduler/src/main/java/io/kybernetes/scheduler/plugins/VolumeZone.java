package io.kybernetes.scheduler.plugins;

import java.util.Arrays;
import java.util.List;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;

/**
 * A bound PV labelled with a zone or region (topology.kubernetes.io/zone|region or the deprecated
 * failure-domain.beta.kubernetes.io keys; several values joined by "__") only fits nodes labelled with one of
 * those values. Unbound and missing claims are left to VolumeBinding.
 */
public final class VolumeZone implements FilterPlugin {

    public static final String NAME = "VolumeZone";
    public static final String REASON = "node(s) had no available volume zone";
    static final List<String> TOPOLOGY_LABELS = List.of("topology.kubernetes.io/zone",
            "topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
            "failure-domain.beta.kubernetes.io/region");

    private final Listers listers;

    public VolumeZone(Listers listers) {
        this.listers = listers;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        for (String claim : VolumeBinding.claimNames(pod)) {
            PersistentVolumeClaim pvc = listers.pvc(pod.getMetadata().getNamespace(), claim);
            if (pvc == null || pvc.getSpec() == null || pvc.getSpec().getVolumeName() == null
                    || pvc.getSpec().getVolumeName().isEmpty()) {
                continue;
            }
            PersistentVolume pv = listers.pv(pvc.getSpec().getVolumeName());
            if (pv == null || pv.getMetadata().getLabels() == null) {
                continue;
            }
            for (String key : TOPOLOGY_LABELS) {
                String value = pv.getMetadata().getLabels().get(key);
                if (value == null) {
                    continue;
                }
                String have = node.labels().get(key);
                if (have == null || !Arrays.asList(value.split("__")).contains(have)) {
                    return Status.unresolvable(NAME, REASON);
                }
            }
        }
        return Status.success();
    }
}
