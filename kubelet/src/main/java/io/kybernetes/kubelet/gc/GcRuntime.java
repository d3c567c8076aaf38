package io.kybernetes.kubelet.gc;

import java.util.List;
import java.util.Map;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.Image;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.pod.CriLabels;

/** What garbage collection reads from and removes in the container runtime (faked in unit tests). */
public interface GcRuntime {

    /** Every image the runtime has. */
    List<Image> images();

    /** Every container the runtime has, in any state, whoever created it (images in use are judged on all). */
    List<Container> containers();

    /** The sandboxes this kubelet created. */
    List<PodSandbox> sandboxes();

    void removeImage(String id);

    /** Removes a container; one that is already gone is not an error. */
    void removeContainer(String id);

    /** Removes a sandbox; one that is already gone is not an error. */
    void removeSandbox(String id);

    static GcRuntime of(CriClient cri) {
        return new GcRuntime() {
            @Override
            public List<Image> images() {
                return cri.listImages();
            }

            @Override
            public List<Container> containers() {
                return cri.listContainers(Map.of());
            }

            @Override
            public List<PodSandbox> sandboxes() {
                return cri.listPodSandboxes(Map.of(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE));
            }

            @Override
            public void removeImage(String id) {
                cri.removeImage(id);
            }

            @Override
            public void removeContainer(String id) {
                try {
                    cri.removeContainer(id);
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw e;
                    }
                }
            }

            @Override
            public void removeSandbox(String id) {
                try {
                    cri.removePodSandbox(id);
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw e;
                    }
                }
            }
        };
    }
}
