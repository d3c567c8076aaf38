package io.kybernetes.scheduler.queue;

import io.fabric8.kubernetes.api.model.Pod;

/** A pod waiting to be scheduled, with its failed attempts and when it may be tried again. */
public final class QueuedPod {

    Pod pod;
    int attempts;
    long readyAtNanos;
    long parkedAtNanos;
    /** The plugins that found the pod unschedulable last time; empty when unknown. */
    java.util.Set<String> plugins = java.util.Set.of();
    final long seq;

    QueuedPod(Pod pod, long seq) {
        this.pod = pod;
        this.seq = seq;
    }

    public Pod pod() {
        return pod;
    }

    public int attempts() {
        return attempts;
    }

    String key() {
        return SchedulingQueue.key(pod);
    }

    int priority() {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }
}
