package io.kybernetes.scheduler.scheduling;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;

/** What the scheduler writes to the API server; an interface so tests can record the calls. */
public interface ApiWriter {

    /** POSTs a v1 Binding of the pod to the node. */
    void bind(Pod pod, String node);

    /** Sets the pod's PodScheduled condition to False/Unschedulable with {@code message} (status subresource). */
    void markUnschedulable(Pod pod, String message);

    /** As {@link #markUnschedulable(Pod, String)}, also setting status.nominatedNodeName when not null. */
    default void markUnschedulable(Pod pod, String message, String nominatedNode) {
        markUnschedulable(pod, message);
    }

    /**
     * Preemption: marks each victim with a DisruptionTarget condition, records a Preempted event, deletes it, and
     * nominates the preemptor to the node.
     */
    default void preempt(Pod preemptor, String node, List<Pod> victims) {
    }

    /** Records a core/v1 Event about the pod from default-scheduler. */
    void event(Pod pod, String type, String reason, String message);

    /** Annotates a claim with volume.kubernetes.io/selected-node (WaitForFirstConsumer provisioning). */
    default void selectNode(io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim, String node) {
    }

    /** Removes status.nominatedNodeName (a higher-priority pod took the room it was nominated for). */
    default void clearNomination(Pod pod) {
    }
}
