package io.kybernetes.kubelet.eviction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Orders pods for eviction as upstream does, first evicted first. For memory and local storage: pods whose usage
 * exceeds their requests, then lower priority, then larger usage above requests (so BestEffort pods, which request
 * nothing, go before Burstable ones, and Guaranteed ones, which use no more than they request, go last). For inodes:
 * pods using any, then priority, then inodes used. For PIDs: priority, then processes. Pods without stats go first.
 */
public final class Ranking {

    private Ranking() {
    }

    public static List<Pod> rank(String resource, List<Pod> pods, Map<String, PodUsage> usage) {
        List<Pod> out = new ArrayList<>(pods);
        out.sort(comparator(resource, usage));
        return out;
    }

    static Comparator<Pod> comparator(String resource, Map<String, PodUsage> usage) {
        Comparator<Pod> noStatsFirst = Comparator.comparing(p -> usage.containsKey(uid(p)));
        Comparator<Pod> byPriority = Comparator.comparingInt(PodResources::priority);
        return switch (resource) {
            case "memory" -> aboveRequests(noStatsFirst, byPriority, usage, PodUsage::memoryBytes, "memory");
            case "ephemeral-storage" ->
                    aboveRequests(noStatsFirst, byPriority, usage, PodUsage::ephemeralBytes, "ephemeral-storage");
            case "inodes" -> aboveRequests(noStatsFirst, byPriority, usage, PodUsage::inodes, "inodes");
            default -> noStatsFirst.thenComparing(byPriority)
                    .thenComparing(Comparator.comparingLong((Pod p) -> processes(usage.get(uid(p)))).reversed());
        };
    }

    private static Comparator<Pod> aboveRequests(Comparator<Pod> noStatsFirst, Comparator<Pod> byPriority,
                                                 Map<String, PodUsage> usage, ToLongFunction<PodUsage> used,
                                                 String resource) {
        ToLongFunction<Pod> above = p -> usage.containsKey(uid(p))
                ? used.applyAsLong(usage.get(uid(p))) - PodResources.podRequest(p, resource) : 0;
        Comparator<Pod> exceedsFirst = Comparator.comparing(p -> above.applyAsLong(p) <= 0);
        return noStatsFirst.thenComparing(exceedsFirst).thenComparing(byPriority)
                .thenComparing(Comparator.comparingLong(above).reversed());
    }

    private static long processes(PodUsage u) {
        return u == null || u.processes() == null ? 0 : u.processes();
    }

    static String uid(Pod p) {
        return p.getMetadata().getUid();
    }
}
