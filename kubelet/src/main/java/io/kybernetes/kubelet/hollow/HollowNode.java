package io.kybernetes.kubelet.hollow;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/** What one hollow node remembers between heartbeats: its last written Node and Lease (so a renewal is one PUT). */
final class HollowNode {

    final int index;
    final String name;
    final String ip;
    volatile Node node;
    volatile Lease lease;
    /** Monotonic nanos of the next lease renewal and status post. */
    volatile long nextLease;
    volatile long nextStatus;
    final AtomicBoolean leaseBusy = new AtomicBoolean();
    final AtomicBoolean statusBusy = new AtomicBoolean();
    final AtomicLong podSeq = new AtomicLong();

    HollowNode(int index, String name, String ip) {
        this.index = index;
        this.name = name;
        this.ip = ip;
    }
}
