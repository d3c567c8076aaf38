package io.kybernetes.kubelet.pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;
import io.kybernetes.kubelet.cri.v1.PodSandbox;

/** Reads the runtime's state for one pod, or the uids of every pod this kubelet has in the runtime. */
public final class RuntimeView {

    private final CriClient cri;

    public RuntimeView(CriClient cri) {
        this.cri = cri;
    }

    public RuntimePod pod(String uid) {
        Map<String, String> sel = Map.of(CriLabels.POD_UID, uid);
        List<PodSandbox> sandboxes = cri.listPodSandboxes(sel);
        List<ContainerStatus> containers = new ArrayList<>();
        for (Container c : cri.listContainers(sel)) {
            try {
                containers.add(cri.containerStatus(c.getId()));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return new RuntimePod(uid, sandboxes, containers);
    }

    /** Uids of the pods that have a sandbox or container of ours. */
    public Set<String> podUids() {
        Map<String, String> ours = Map.of(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE);
        Set<String> uids = new TreeSet<>();
        cri.listPodSandboxes(ours).forEach(s -> uids.add(s.getLabelsOrDefault(CriLabels.POD_UID, s.getMetadata().getUid())));
        cri.listContainers(ours).forEach(c -> uids.add(c.getLabelsOrDefault(CriLabels.POD_UID, "")));
        uids.remove("");
        return uids;
    }

    /** A cheap fingerprint of the runtime state of every pod (ids and states), to notice changes. */
    public Map<String, Set<String>> fingerprints() {
        Map<String, String> ours = Map.of(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE);
        Map<String, Set<String>> fp = new HashMap<>();
        for (PodSandbox s : cri.listPodSandboxes(ours)) {
            fp.computeIfAbsent(s.getLabelsOrDefault(CriLabels.POD_UID, ""), k -> new TreeSet<>())
                    .add("s" + s.getId() + ":" + s.getState().getNumber());
        }
        for (Container c : cri.listContainers(ours)) {
            fp.computeIfAbsent(c.getLabelsOrDefault(CriLabels.POD_UID, ""), k -> new TreeSet<>())
                    .add("c" + c.getId() + ":" + c.getState().getNumber());
        }
        fp.remove("");
        return fp;
    }
}
