package io.kybernetes.kubelet.pod;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;

/** What the container runtime has for one pod uid: its sandboxes and the status of each of its containers. */
public record RuntimePod(String uid, List<PodSandbox> sandboxes, List<ContainerStatus> containers) {

    private static final Comparator<PodSandbox> SANDBOX_AGE = Comparator
            .comparingInt((PodSandbox s) -> s.getMetadata().getAttempt()).thenComparingLong(PodSandbox::getCreatedAt);
    private static final Comparator<ContainerStatus> CONTAINER_AGE = Comparator
            .comparingInt((ContainerStatus c) -> c.getMetadata().getAttempt())
            .thenComparingLong(ContainerStatus::getCreatedAt);

    public boolean isEmpty() {
        return sandboxes.isEmpty() && containers.isEmpty();
    }

    /** The newest sandbox, if any. */
    public Optional<PodSandbox> latestSandbox() {
        return sandboxes.stream().max(SANDBOX_AGE);
    }

    public Optional<PodSandbox> readySandbox() {
        return latestSandbox().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY);
    }

    /** The instances of one container, newest first. */
    public List<ContainerStatus> instances(String name) {
        return containers.stream().filter(c -> name.equals(c.getMetadata().getName()))
                .sorted(CONTAINER_AGE.reversed()).collect(Collectors.toList());
    }

    public Optional<ContainerStatus> latest(String name) {
        List<ContainerStatus> all = instances(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    public boolean anyRunning() {
        return containers.stream().anyMatch(c -> c.getState() == ContainerState.CONTAINER_RUNNING);
    }
}
