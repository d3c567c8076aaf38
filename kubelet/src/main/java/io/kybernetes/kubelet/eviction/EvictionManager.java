package io.kybernetes.kubelet.eviction;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.kybernetes.kubelet.node.HostPressure;

/**
 * The kubelet's eviction manager, one {@link #synchronize} per monitoring interval, as upstream's:
 * <ol>
 * <li>observe the signals; thresholds met (ignoring grace periods, and keeping those not yet recovered by their
 * minimum reclaim) set the node conditions, which stay True for the pressure-transition period;</li>
 * <li>pods over their local storage limits (emptyDir sizeLimit, the pod's total of container ephemeral-storage
 * limits, a container's limit) are evicted regardless of node pressure;</li>
 * <li>otherwise, for thresholds whose grace period has passed (memory first), the active pods are ranked
 * ({@link Ranking}) and the first one that is not critical is evicted: one pod per interval.</li>
 * </ol>
 */
public final class EvictionManager {

    private static final Logger LOG = Logger.getLogger(EvictionManager.class);

    /** How an eviction is carried out: kill the pod with this grace period and mark it Failed/Evicted. */
    public interface PodKiller {
        void evict(Pod pod, long graceSeconds, String message, boolean disruptionTarget);
    }

    /**
     * Frees node-level resources before pods are evicted (upstream's reclaimNodeLevelResources): for disk signals,
     * container and image garbage collection.
     */
    public interface NodeReclaimer {
        void reclaim(Signal signal);
    }

    public record Config(List<Threshold> thresholds, Duration pressureTransitionPeriod, long maxPodGraceSeconds) {
    }

    /** One decision: which pod, why, and with what grace period. */
    public record Eviction(Pod pod, String message, long graceSeconds, boolean disruptionTarget) {
    }

    private final Config config;
    private final StatsSource stats;
    private final Supplier<List<Pod>> activePods;
    private final PodKiller killer;
    private final Map<Threshold, Instant> firstObservedAt = new HashMap<>();
    private final Map<String, Instant> conditionLastObservedAt = new HashMap<>();
    private List<Threshold> thresholdsMet = List.of();
    private volatile HostPressure pressure = HostPressure.NONE;
    private volatile NodeReclaimer reclaimer;

    public EvictionManager(Config config, StatsSource stats, Supplier<List<Pod>> activePods, PodKiller killer) {
        this.config = config;
        this.stats = stats;
        this.activePods = activePods;
        this.killer = killer;
    }

    /** What to free before evicting for nodefs/imagefs pressure (null: nothing, evict at once). */
    public void setNodeReclaimer(NodeReclaimer reclaimer) {
        this.reclaimer = reclaimer;
    }

    /** The node conditions as of the last synchronize. */
    public HostPressure pressure() {
        return pressure;
    }

    public Config config() {
        return config;
    }

    /** One monitoring pass; returns the pods it evicted. */
    public synchronized List<Eviction> synchronize(Instant now) {
        Map<Signal, Observation> observations = stats.node();
        // thresholds met now, and those met before that have not yet recovered past their minimum reclaim
        Set<Threshold> met = new LinkedHashSet<>();
        for (Threshold t : config.thresholds()) {
            Observation o = observations.get(t.signal());
            if (o != null && t.met(o, false)) {
                met.add(t);
            }
        }
        for (Threshold t : thresholdsMet) {
            Observation o = observations.get(t.signal());
            if (o != null && t.met(o, true)) {
                met.add(t);
            }
        }
        firstObservedAt.keySet().retainAll(met);
        met.forEach(t -> firstObservedAt.putIfAbsent(t, now));
        for (Threshold t : met) {
            conditionLastObservedAt.put(t.signal().nodeCondition(), now);
        }
        conditionLastObservedAt.values().removeIf(at -> at.plus(config.pressureTransitionPeriod()).isBefore(now));
        pressure = new HostPressure(conditionLastObservedAt.containsKey("MemoryPressure"),
                conditionLastObservedAt.containsKey("DiskPressure"), conditionLastObservedAt.containsKey("PIDPressure"));
        List<Threshold> active = met.stream()
                .filter(t -> !firstObservedAt.get(t).plus(t.gracePeriod()).isAfter(now)).toList();
        thresholdsMet = active;
        if (!met.isEmpty()) {
            LOG.debugf("eviction thresholds met: %s (grace periods passed: %s); observations %s", met, active,
                    observations);
        }

        List<Pod> pods = activePods.get();
        Map<String, PodUsage> usage = pods.isEmpty() ? Map.of() : stats.pods(pods);
        List<Eviction> local = localStorage(pods, usage);
        if (!local.isEmpty()) {
            local.forEach(this::evict);
            return local;
        }
        if (active.isEmpty()) {
            return List.of();
        }
        Threshold reclaim = active.stream()
                .sorted(Comparator.comparing(t -> t.signal() != Signal.MEMORY_AVAILABLE)).findFirst().orElseThrow();
        String resource = reclaim.signal().resource();
        if (reclaimNodeLevelResources(reclaim.signal())) {
            return List.of();
        }
        if (pods.isEmpty()) {
            LOG.infof("eviction manager: thresholds %s are met, but no pods are active to evict", active);
            return List.of();
        }
        LOG.infof("eviction manager: must evict a pod to reclaim %s (%s)", resource, reclaim);
        for (Pod pod : Ranking.rank(resource, pods, usage)) {
            if (PodResources.critical(pod)) {
                LOG.debugf("eviction manager: %s/%s is critical and cannot be evicted",
                        pod.getMetadata().getNamespace(), pod.getMetadata().getName());
                continue;
            }
            String message = EvictionMessages.nodePressure(resource, reclaim, observations.get(reclaim.signal()), pod,
                    usage.get(Ranking.uid(pod)));
            Eviction e = new Eviction(pod, message, reclaim.hard() ? 0 : config.maxPodGraceSeconds(), true);
            evict(e);
            return List.of(e);
        }
        LOG.infof("eviction manager: no pod can be evicted to reclaim %s", resource);
        return List.of();
    }

    /**
     * For a disk signal, runs the node reclaimer and observes again; true when no threshold is met any more (minimum
     * reclaim included, grace periods ignored), so no pod has to go.
     */
    private boolean reclaimNodeLevelResources(Signal signal) {
        NodeReclaimer r = reclaimer;
        if (r == null || signal.nodeCondition().equals("MemoryPressure") || signal == Signal.PID_AVAILABLE) {
            return false;
        }
        LOG.infof("eviction manager: attempting to reclaim %s at the node level", signal.resource());
        r.reclaim(signal);
        Map<Signal, Observation> after = stats.node();
        List<Threshold> still = config.thresholds().stream()
                .filter(t -> after.get(t.signal()) != null && t.met(after.get(t.signal()), true)).toList();
        if (still.isEmpty()) {
            LOG.infof("eviction manager: able to reduce %s pressure without evicting pods", signal.resource());
            return true;
        }
        LOG.infof("eviction manager: thresholds still met after node-level reclaim: %s (observations %s)", still, after);
        return false;
    }

    /** Pods over an emptyDir sizeLimit, over the pod's total ephemeral-storage limit, or over a container's. */
    static List<Eviction> localStorage(List<Pod> pods, Map<String, PodUsage> usage) {
        List<Eviction> out = new ArrayList<>();
        for (Pod pod : pods) {
            PodUsage u = usage.get(Ranking.uid(pod));
            if (u == null || PodResources.critical(pod)) {
                continue;
            }
            String message = emptyDirOverLimit(pod, u);
            if (message == null) {
                var limit = PodResources.podLimit(pod, "ephemeral-storage");
                if (limit.isPresent() && BigDecimal.valueOf(u.ephemeralBytes()).compareTo(limit.get()) > 0) {
                    message = EvictionMessages.podEphemeralStorage(
                            EvictionMessages.renderSum(pod, "ephemeral-storage", limit.get()));
                }
            }
            if (message == null) {
                message = containerOverLimit(pod, u);
            }
            if (message != null) {
                out.add(new Eviction(pod, message, 0, false));
            }
        }
        return out;
    }

    private static String emptyDirOverLimit(Pod pod, PodUsage u) {
        if (pod.getSpec().getVolumes() == null) {
            return null;
        }
        for (Volume v : pod.getSpec().getVolumes()) {
            Quantity size = v.getEmptyDir() == null ? null : v.getEmptyDir().getSizeLimit();
            PodUsage.VolumeUsage used = u.emptyDirs().get(v.getName());
            if (size != null && used != null && PodResources.bytes(size) > 0 && used.bytes() > PodResources.bytes(size)) {
                return EvictionMessages.emptyDir(v.getName(), size);
            }
        }
        return null;
    }

    private static String containerOverLimit(Pod pod, PodUsage u) {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        for (var c : PodResources.containers(pod)) {
            PodResources.limit(c, "ephemeral-storage").filter(q -> PodResources.bytes(q) != 0)
                    .ifPresent(q -> limits.put(c.getName(), q));
        }
        for (var e : u.containers().entrySet()) {
            Quantity limit = limits.get(e.getKey());
            if (limit != null && e.getValue().ephemeralBytes() > PodResources.bytes(limit)) {
                return EvictionMessages.containerEphemeralStorage(e.getKey(), limit);
            }
        }
        return null;
    }

    private void evict(Eviction e) {
        LOG.infof("evicting pod %s/%s (grace %ds): %s", e.pod().getMetadata().getNamespace(),
                e.pod().getMetadata().getName(), e.graceSeconds(), e.message());
        killer.evict(e.pod(), e.graceSeconds(), e.message(), e.disruptionTarget());
    }
}
