package io.kybernetes.kubelet.logs;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;
import io.kybernetes.kubelet.pod.CriLabels;

/** Finds the log file of a pod's container (current or previous instance) through CRI. */
public final class ContainerLogs {

    /** The log file of one container instance and a way to ask whether it is still running. */
    public record Target(Path file, String containerId) {
    }

    /** Why there is no log to serve, with the HTTP status to answer. */
    public static final class NotAvailable extends Exception {
        public final int status;

        public NotAvailable(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final CriClient cri;

    public ContainerLogs(CriClient cri) {
        this.cri = cri;
    }

    public Target find(String namespace, String pod, String container, boolean previous) throws NotAvailable {
        List<Container> all = cri.listContainers(Map.of(CriLabels.POD_NAMESPACE, namespace, CriLabels.POD_NAME, pod,
                CriLabels.CONTAINER_NAME, container));
        List<Container> sorted = all.stream()
                .sorted(Comparator.comparingLong(Container::getCreatedAt).reversed())
                .collect(Collectors.toList());
        if (sorted.isEmpty()) {
            throw new NotAvailable(404, "container \"" + container + "\" in pod \"" + pod + "\" is not available");
        }
        int index = previous ? 1 : 0;
        if (sorted.size() <= index) {
            throw new NotAvailable(400, "previous terminated container \"" + container + "\" in pod \"" + pod
                    + "\" not found");
        }
        ContainerStatus st = cri.containerStatus(sorted.get(index).getId());
        if (st.getLogPath().isEmpty()) {
            throw new NotAvailable(404, "container \"" + container + "\" in pod \"" + pod + "\" has no log");
        }
        return new Target(Path.of(st.getLogPath()), st.getId());
    }

    /** True while the container exists and has not exited. */
    public boolean running(String containerId) {
        try {
            ContainerState s = cri.containerStatus(containerId).getState();
            return s == ContainerState.CONTAINER_RUNNING || s == ContainerState.CONTAINER_CREATED;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
