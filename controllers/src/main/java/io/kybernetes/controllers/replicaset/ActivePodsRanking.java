package io.kybernetes.controllers.replicaset;

import java.time.Instant;
import java.util.Comparator;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.controllers.informers.PodState;

/**
 * The order in which surplus pods are deleted, most expendable first, as upstream: unscheduled before scheduled,
 * Pending before Unknown before Running, not ready before ready, ready for less time first, more container
 * restarts first, newer first.
 */
public final class ActivePodsRanking implements Comparator<Pod> {

    @Override
    public int compare(Pod a, Pod b) {
        int c = Boolean.compare(assigned(a), assigned(b));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(phaseRank(a), phaseRank(b));
        if (c != 0) {
            return c;
        }
        boolean ra = PodState.ready(a);
        boolean rb = PodState.ready(b);
        c = Boolean.compare(ra, rb);
        if (c != 0) {
            return c;
        }
        if (ra) {
            c = compareDesc(PodState.readySince(a), PodState.readySince(b));
            if (c != 0) {
                return c;
            }
        }
        c = Integer.compare(restarts(b), restarts(a));
        if (c != 0) {
            return c;
        }
        return compareDesc(PodState.parse(a.getMetadata().getCreationTimestamp()),
                PodState.parse(b.getMetadata().getCreationTimestamp()));
    }

    /** Later instants first; unknown (null) before known. */
    private static int compareDesc(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return b.compareTo(a);
    }

    private static boolean assigned(Pod p) {
        return p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
    }

    private static int phaseRank(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Running".equals(phase)) {
            return 2;
        }
        return "Unknown".equals(phase) ? 1 : 0;
    }

    private static int restarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        int max = 0;
        for (ContainerStatus s : p.getStatus().getContainerStatuses()) {
            max = Math.max(max, s.getRestartCount() == null ? 0 : s.getRestartCount());
        }
        return max;
    }
}
