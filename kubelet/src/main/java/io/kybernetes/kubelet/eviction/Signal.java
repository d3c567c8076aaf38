package io.kybernetes.kubelet.eviction;

import java.util.Arrays;
import java.util.Optional;

/** An eviction signal: what it measures, the resource it starves and the node condition it drives. */
public enum Signal {
    MEMORY_AVAILABLE("memory.available", "memory", "MemoryPressure"),
    NODEFS_AVAILABLE("nodefs.available", "ephemeral-storage", "DiskPressure"),
    NODEFS_INODES_FREE("nodefs.inodesFree", "inodes", "DiskPressure"),
    IMAGEFS_AVAILABLE("imagefs.available", "ephemeral-storage", "DiskPressure"),
    IMAGEFS_INODES_FREE("imagefs.inodesFree", "inodes", "DiskPressure"),
    PID_AVAILABLE("pid.available", "pids", "PIDPressure");

    private final String flagName;
    private final String resource;
    private final String nodeCondition;

    Signal(String flagName, String resource, String nodeCondition) {
        this.flagName = flagName;
        this.resource = resource;
        this.nodeCondition = nodeCondition;
    }

    /** The name used in the --eviction-* flags. */
    public String flagName() {
        return flagName;
    }

    /** The starved resource: memory, ephemeral-storage, inodes or pids. */
    public String resource() {
        return resource;
    }

    public String nodeCondition() {
        return nodeCondition;
    }

    public static Optional<Signal> of(String name) {
        return Arrays.stream(values()).filter(s -> s.flagName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return flagName;
    }
}
