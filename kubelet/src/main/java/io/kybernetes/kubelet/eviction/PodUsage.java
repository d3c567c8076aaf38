package io.kybernetes.kubelet.eviction;

import java.util.Map;

/**
 * What one pod uses, per container and per emptyDir volume. A container's {@code rootfsBytes} (its writable layer)
 * is null when the runtime does not report it; {@code processes} is null when unknown.
 */
public record PodUsage(Map<String, ContainerUsage> containers, Map<String, VolumeUsage> emptyDirs, Long processes) {

    public record ContainerUsage(long memoryWorkingSetBytes, Long rootfsBytes, long rootfsInodes, long logsBytes,
                                 long logsInodes) {

        /** Writable layer plus logs, as counted against the container's ephemeral-storage limit. */
        public long ephemeralBytes() {
            return (rootfsBytes == null ? 0 : rootfsBytes) + logsBytes;
        }
    }

    /** {@code memory}: a tmpfs (medium Memory) emptyDir, which counts as memory, not as local storage. */
    public record VolumeUsage(long bytes, long inodes, boolean memory) {
    }

    public long memoryBytes() {
        return containers.values().stream().mapToLong(ContainerUsage::memoryWorkingSetBytes).sum();
    }

    /** Local ephemeral storage: containers' writable layers and logs plus disk-backed emptyDirs. */
    public long ephemeralBytes() {
        return containers.values().stream().mapToLong(ContainerUsage::ephemeralBytes).sum()
                + emptyDirs.values().stream().filter(v -> !v.memory()).mapToLong(VolumeUsage::bytes).sum();
    }

    public long inodes() {
        return containers.values().stream().mapToLong(c -> c.rootfsInodes() + c.logsInodes()).sum()
                + emptyDirs.values().stream().filter(v -> !v.memory()).mapToLong(VolumeUsage::inodes).sum();
    }
}
