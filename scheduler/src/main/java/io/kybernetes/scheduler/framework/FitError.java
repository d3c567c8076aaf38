package io.kybernetes.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why a pod fits no node: the filter status of every node. {@link #message()} renders it as upstream does,
 * e.g. {@code 0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: ...}.
 */
public record FitError(int numAllNodes, Status preFilterStatus, Map<String, Status> nodeStatuses,
        String postFilterMessage) {

    /** A fit error whose preemption part is the one of a preemption that found no victims anywhere. */
    public FitError(int numAllNodes, Status preFilterStatus, Map<String, Status> nodeStatuses) {
        this(numAllNodes, preFilterStatus, nodeStatuses, "preemption: " + noVictims(numAllNodes, preFilterStatus,
                nodeStatuses));
    }

    public static final String NO_NODES = "no nodes available to schedule pods";

    /** The plugins that rejected the pod somewhere (for event-driven requeueing). */
    public java.util.Set<String> unschedulablePlugins() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        if (preFilterStatus != null) {
            out.add(preFilterStatus.plugin());
        }
        nodeStatuses.values().forEach(s -> out.add(s.plugin()));
        return out;
    }

    public String message() {
        if (numAllNodes == 0) {
            return NO_NODES;
        }
        StringBuilder msg = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
        if (preFilterStatus != null) {
            msg.append(' ').append(String.join(", ", preFilterStatus.reasons())).append('.');
        } else {
            msg.append(' ').append(String.join(", ", histogram(nodeStatuses.values()))).append('.');
        }
        if (postFilterMessage != null && !postFilterMessage.isEmpty()) {
            msg.append(' ').append(postFilterMessage).append('.');
        }
        return msg.toString();
    }

    /**
     * The preemption part of the message. There is no preemption yet, so like upstream when it finds no lower
     * priority pod: resolvable failures have no victims, unresolvable ones are not helped by preemption.
     */
    public static String noVictims(int numAllNodes, Status preFilterStatus, Map<String, Status> nodeStatuses) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Status s : nodeStatuses.values()) {
            String why = s.code() == Status.Code.UNSCHEDULABLE
                    ? "No preemption victims found for incoming pod"
                    : "Preemption is not helpful for scheduling";
            counts.merge(why, 1, Integer::sum);
        }
        if (preFilterStatus != null) {
            counts.clear();
            counts.put("Preemption is not helpful for scheduling", numAllNodes);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(v + " " + k));
        Collections.sort(parts);
        return "0/" + numAllNodes + " nodes are available: " + String.join(", ", parts);
    }

    static List<String> histogram(Iterable<Status> statuses) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Status s : statuses) {
            for (String r : s.reasons()) {
                counts.merge(r, 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        counts.forEach((reason, n) -> out.add(n + " " + reason));
        Collections.sort(out);
        return out;
    }
}
