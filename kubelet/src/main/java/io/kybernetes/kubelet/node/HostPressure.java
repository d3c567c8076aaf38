package io.kybernetes.kubelet.node;

/**
 * The node's MemoryPressure, DiskPressure and PIDPressure conditions. The eviction manager
 * ({@code io.kybernetes.kubelet.eviction.EvictionManager}) sets them from the configured eviction thresholds, so the
 * conditions and evictions share one source of truth.
 */
public record HostPressure(boolean memory, boolean disk, boolean pid) {

    public static final HostPressure NONE = new HostPressure(false, false, false);
}
