package io.kybernetes.kubelet.gc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;
import io.kybernetes.kubelet.pod.CriLabels;

/**
 * The container garbage collector, as upstream's: dead containers are grouped by pod uid and container name (an
 * "evict unit"), newest first. Units of pods gone from the API (and, when reclaiming disk, of terminated pods) are
 * removed whole; each other unit keeps its newest {@code maxPerPodContainer} instances, so {@code kubectl logs
 * --previous} keeps working; {@code maxContainers} bounds the total. Sandboxes that are not ready and hold no
 * container go next (a live pod keeps its newest one), then the log directories of pods gone from the API.
 * Running containers and ready sandboxes of gone pods are left to the pod workers, which stop them first.
 */
public final class ContainerGc {

    private static final Logger LOG = Logger.getLogger(ContainerGc.class);
    /** A container still in Created state this long after creation is stuck, not about to start. */
    static final Duration CREATED_GRACE = Duration.ofMinutes(1);

    /** Upstream's {@code MinAge} (0), {@code MaxPerPodContainer} (1) and {@code MaxContainers} (-1: no limit). */
    public record Policy(Duration minAge, int maxPerPodContainer, int maxContainers) {
        public static final Policy DEFAULT = new Policy(Duration.ZERO, 1, -1);
    }

    /** Where a pod uid stands in the API, as far as its leftovers are concerned. */
    public enum PodState {
        /** Bound here and not finished: its containers may run again. */
        ACTIVE,
        /** Succeeded, Failed or being deleted: nothing runs again, but it is still in the API. */
        TERMINATED,
        /** Not in the API (any more): everything it left may go. */
        GONE
    }

    /** What one collection removed. */
    public record Result(int containers, int sandboxes, int logDirectories) {
        public boolean any() {
            return containers + sandboxes + logDirectories > 0;
        }
    }

    record Dead(String id, String uid, String name, long createdAt) {
    }

    private static final Comparator<Dead> NEWEST_FIRST = Comparator.comparingLong(Dead::createdAt).reversed();

    private final Policy policy;
    private final GcRuntime runtime;
    private final Function<String, PodState> pods;
    private final Path podLogRoot;
    private final Clock clock;

    public ContainerGc(Policy policy, GcRuntime runtime, Function<String, PodState> pods, Path podLogRoot, Clock clock) {
        this.policy = policy;
        this.runtime = runtime;
        this.pods = pods;
        this.podLogRoot = podLogRoot;
        this.clock = clock;
    }

    /**
     * One collection. {@code allSourcesReady}: the pod cache is synced, so a uid missing from it is really gone;
     * {@code evictNonDeletedPods}: also remove everything of terminated pods (disk-pressure reclaim).
     */
    public synchronized Result collect(boolean allSourcesReady, boolean evictNonDeletedPods) {
        Instant now = clock.instant();
        List<Container> all = ours(runtime.containers());
        Map<String, PodState> states = new java.util.HashMap<>();
        Function<String, PodState> state = uid -> states.computeIfAbsent(uid, pods);
        Map<String, List<Dead>> units = units(all, now);
        Set<String> removed = new HashSet<>();
        int containers = 0;
        if (allSourcesReady) {
            for (var it = units.entrySet().iterator(); it.hasNext();) {
                List<Dead> unit = it.next().getValue();
                PodState s = state.apply(unit.get(0).uid());
                if (s == PodState.GONE || evictNonDeletedPods && s == PodState.TERMINATED) {
                    containers += removeOldest(unit, unit.size(), removed);
                    it.remove();
                }
            }
        }
        if (policy.maxPerPodContainer() >= 0) {
            for (List<Dead> unit : units.values()) {
                containers += removeOldest(unit, unit.size() - policy.maxPerPodContainer(), removed);
            }
        }
        if (policy.maxContainers() >= 0) {
            containers += enforceMaxContainers(units, removed);
        }
        int sandboxes = sandboxes(all, removed, allSourcesReady, evictNonDeletedPods, state);
        int logs = allSourcesReady ? logDirectories(state) : 0;
        Result r = new Result(containers, sandboxes, logs);
        if (r.any()) {
            LOG.infof("container garbage collection removed %d container(s), %d sandbox(es) and %d pod log "
                    + "directory(ies)", containers, sandboxes, logs);
        }
        return r;
    }

    private static List<Container> ours(List<Container> containers) {
        return containers.stream()
                .filter(c -> CriLabels.MANAGED_BY_VALUE.equals(c.getLabelsOrDefault(CriLabels.MANAGED_BY, "")))
                .toList();
    }

    /** Dead containers older than the minimum age, by pod uid and container name, newest first. */
    Map<String, List<Dead>> units(List<Container> containers, Instant now) {
        Map<String, List<Dead>> units = new LinkedHashMap<>();
        long newest = toNanos(now.minus(policy.minAge()));
        for (Container c : containers) {
            if (c.getState() == ContainerState.CONTAINER_RUNNING || c.getCreatedAt() > newest) {
                continue;
            }
            if (c.getState() == ContainerState.CONTAINER_CREATED
                    && c.getCreatedAt() > toNanos(now.minus(CREATED_GRACE))) {
                continue; // the pod worker created it and is about to start it
            }
            String uid = c.getLabelsOrDefault(CriLabels.POD_UID, "");
            String name = c.getLabelsOrDefault(CriLabels.CONTAINER_NAME, c.getMetadata().getName());
            if (uid.isEmpty()) {
                continue;
            }
            units.computeIfAbsent(uid + "/" + name, k -> new ArrayList<>())
                    .add(new Dead(c.getId(), uid, name, c.getCreatedAt()));
        }
        units.values().forEach(u -> u.sort(NEWEST_FIRST));
        return units;
    }

    /** Removes the oldest {@code n} of a unit (newest first); the removed ones leave the unit. */
    private int removeOldest(List<Dead> unit, int n, Set<String> removed) {
        int count = 0;
        for (int i = 0; i < n && !unit.isEmpty(); i++) {
            Dead d = unit.remove(unit.size() - 1);
            if (remove(d)) {
                removed.add(d.id());
                count++;
            }
        }
        return count;
    }

    private boolean remove(Dead d) {
        try {
            runtime.removeContainer(d.id());
            LOG.debugf("removed dead container %s (%s of pod uid %s)", shortId(d.id()), d.name(), d.uid());
            return true;
        } catch (StatusRuntimeException e) {
            LOG.warnf("remove container %s: %s", shortId(d.id()), e.getStatus());
            return false;
        }
    }

    /** As upstream: first every unit down to an equal share (at least one), then the oldest overall. */
    private int enforceMaxContainers(Map<String, List<Dead>> units, Set<String> removed) {
        int total = units.values().stream().mapToInt(List::size).sum();
        if (total <= policy.maxContainers()) {
            return 0;
        }
        int count = 0;
        int share = Math.max(1, units.isEmpty() ? 1 : policy.maxContainers() / units.size());
        for (List<Dead> unit : units.values()) {
            count += removeOldest(unit, unit.size() - share, removed);
        }
        total = units.values().stream().mapToInt(List::size).sum();
        if (total > policy.maxContainers()) {
            List<Dead> flat = units.values().stream().flatMap(List::stream).sorted(NEWEST_FIRST)
                    .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
            count += removeOldest(flat, total - policy.maxContainers(), removed);
        }
        return count;
    }

    /**
     * Sandboxes that are not ready and hold no container: all of them for pods that are gone (or terminated, when
     * reclaiming); for the others, all but the newest sandbox of the pod.
     */
    private int sandboxes(List<Container> containers, Set<String> removedContainers, boolean allSourcesReady,
                          boolean evictNonDeletedPods, Function<String, PodState> state) {
        Set<String> occupied = new HashSet<>();
        for (Container c : containers) {
            if (!removedContainers.contains(c.getId())) {
                occupied.add(c.getPodSandboxId());
            }
        }
        Map<String, List<PodSandbox>> byPod = new LinkedHashMap<>();
        for (PodSandbox s : runtime.sandboxes()) {
            String uid = s.getLabelsOrDefault(CriLabels.POD_UID, s.getMetadata().getUid());
            if (!uid.isEmpty()) {
                byPod.computeIfAbsent(uid, k -> new ArrayList<>()).add(s);
            }
        }
        int count = 0;
        for (var e : byPod.entrySet()) {
            List<PodSandbox> sandboxes = new ArrayList<>(e.getValue());
            sandboxes.sort(Comparator.comparingLong(PodSandbox::getCreatedAt)); // oldest first
            PodState s = allSourcesReady ? state.apply(e.getKey()) : PodState.ACTIVE;
            int n = s == PodState.GONE || evictNonDeletedPods && s == PodState.TERMINATED
                    ? sandboxes.size() : sandboxes.size() - 1;
            for (int i = 0; i < n; i++) {
                PodSandbox sb = sandboxes.get(i);
                if (sb.getState() == PodSandboxState.SANDBOX_READY || occupied.contains(sb.getId())) {
                    continue; // active: the pod workers stop it first
                }
                try {
                    runtime.removeSandbox(sb.getId());
                    count++;
                    LOG.debugf("removed sandbox %s of pod uid %s", shortId(sb.getId()), e.getKey());
                } catch (StatusRuntimeException ex) {
                    LOG.warnf("remove sandbox %s: %s", shortId(sb.getId()), ex.getStatus());
                }
            }
        }
        return count;
    }

    /**
     * Log directories ({@code <ns>_<name>_<uid>}) of pods that are gone from the API and have nothing left in the
     * runtime (while their containers are being stopped, their logs are still written).
     */
    private int logDirectories(Function<String, PodState> state) {
        if (podLogRoot == null || !Files.isDirectory(podLogRoot)) {
            return 0;
        }
        Set<String> inRuntime = new HashSet<>();
        runtime.containers().forEach(c -> inRuntime.add(c.getLabelsOrDefault(CriLabels.POD_UID, "")));
        runtime.sandboxes().forEach(s -> inRuntime.add(s.getLabelsOrDefault(CriLabels.POD_UID, s.getMetadata().getUid())));
        int count = 0;
        try (Stream<Path> dirs = Files.list(podLogRoot)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                int us = name.lastIndexOf('_');
                if (us < 0 || !Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String uid = name.substring(us + 1);
                if (uid.isEmpty() || inRuntime.contains(uid) || state.apply(uid) != PodState.GONE) {
                    continue;
                }
                deleteTree(dir);
                count++;
                LOG.debugf("removed pod log directory %s", dir);
            }
        } catch (IOException e) {
            LOG.warnf("pod log directories in %s: %s", podLogRoot, e.getMessage());
        }
        return count;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static long toNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
