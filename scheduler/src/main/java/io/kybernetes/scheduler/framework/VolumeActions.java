package io.kybernetes.scheduler.framework;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/** What volume binding writes: a port so the plugin stays testable without an API server. */
public interface VolumeActions {

    VolumeActions NONE = (claim, node) -> { };

    /** Annotates the claim with volume.kubernetes.io/selected-node so its provisioner creates the volume there. */
    void selectNode(PersistentVolumeClaim claim, String node);
}
