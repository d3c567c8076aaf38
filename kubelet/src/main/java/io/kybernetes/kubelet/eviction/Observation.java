package io.kybernetes.kubelet.eviction;

/** One signal's reading: what is available and the capacity percentages are taken of. */
public record Observation(long available, long capacity) {
}
