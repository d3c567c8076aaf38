package io.kybernetes.kubelet.pod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.ContainerConfig;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;
import io.kybernetes.kubelet.cri.v1.DNSConfig;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxConfig;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;
import io.kybernetes.kubelet.cri.v1.PodSandboxStatus;
import io.kybernetes.kubelet.pod.PodStatusFactory.Waiting;
import io.kybernetes.kubelet.env.ContainerConfigException;
import io.kybernetes.kubelet.env.ContainerEnv;
import io.kybernetes.kubelet.env.ObjectSource;
import io.kybernetes.kubelet.env.PodFacts;
import io.kybernetes.kubelet.volume.PodVolumes;

/**
 * Brings the runtime in line with one pod (level-triggered and idempotent: every call looks at the pod and at the
 * runtime afresh), then reports the pod's status. Calls for one pod are serialized by {@link PodWorkers}.
 */
public final class PodSyncer {

    private static final Logger LOG = Logger.getLogger(PodSyncer.class);
    /** Grace period when a pod vanished from the API (force-deleted): its spec is gone, so stop promptly. */
    static final long ORPHAN_GRACE_SECONDS = 2;

    private final CriClient cri;
    private final RuntimeView runtime;
    private final KubernetesClient client;
    private final Function<String, Pod> podByUid;
    private final String nodeName;
    private final String nodeIp;
    private final Path podLogRoot;
    private final BiConsumer<String, Duration> requeue;
    private final Clock clock;
    private final Backoff backoff = Backoff.standard();
    private final LifecycleHooks hooks;
    static final long POST_START_TIMEOUT_SECONDS = 30;
    /** How long ErrImagePull stands before the sync that reports ImagePullBackOff. */
    static final Duration PULL_ERROR_SHOWN = Duration.ofSeconds(5);
    private volatile PodStatusFactory.Readiness readiness = (id, c) -> true;
    private volatile PodEvents events = PodEvents.none();
    private volatile PodVolumes volumes;
    private volatile ObjectSource objects = ObjectSource.NONE;
    private volatile Function<Pod, DNSConfig> dns = p -> null;
    private volatile long nodeMilliCpu;
    private volatile long nodeMemoryBytes;
    /** When each image pull last failed (uid/container/pull), for the pull back-off. */
    private final Map<String, Instant> pullFailedAt = new ConcurrentHashMap<>();
    /** Evictions decided for a pod uid, carried out by its next sync (kept until the pod is forgotten). */
    private final Map<String, Eviction> evictions = new ConcurrentHashMap<>();

    /** An eviction: stop the pod's containers with this grace period, then mark it Failed with reason Evicted. */
    public record Eviction(long graceSeconds, String message, boolean disruptionTarget) {
    }

    /** Waiting reasons (pull errors, back-off) per pod uid and container name. */
    private final Map<String, Map<String, Waiting>> waiting = new ConcurrentHashMap<>();

    public PodSyncer(CriClient cri, KubernetesClient client, Function<String, Pod> podByUid, String nodeName, String nodeIp,
                     Path podLogRoot, BiConsumer<String, Duration> requeue, Clock clock) {
        this.cri = cri;
        this.runtime = new RuntimeView(cri);
        this.client = client;
        this.podByUid = podByUid;
        this.nodeName = nodeName;
        this.nodeIp = nodeIp;
        this.podLogRoot = podLogRoot;
        this.requeue = requeue;
        this.clock = clock;
        this.hooks = new LifecycleHooks(new io.kybernetes.kubelet.probe.Prober(cri));
    }

    public void sync(String uid) {
        Pod pod = podByUid.apply(uid);
        RuntimePod rt = runtime.pod(uid);
        if (pod == null) {
            if (!rt.isEmpty() && stillBoundHere(rt)) {
                requeue.accept(uid, Duration.ofSeconds(1)); // the cache lags behind the API: look again soon
                return;
            }
            if (!rt.isEmpty()) {
                LOG.infof("pod uid %s is gone from the API: removing its %d sandbox(es) and %d container(s)", uid,
                        rt.sandboxes().size(), rt.containers().size());
                killPod(rt, ORPHAN_GRACE_SECONDS, true);
            }
            forget(uid);
            return;
        }
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            long grace = pod.getMetadata().getDeletionGracePeriodSeconds() != null
                    ? pod.getMetadata().getDeletionGracePeriodSeconds() : ContainerSpecs.gracePeriod(pod);
            if (!rt.isEmpty()) {
                LOG.infof("pod %s is being deleted: stopping its containers (grace %ds)", key, grace);
                for (ContainerStatus c : rt.containers()) {
                    if (c.getState() == ContainerState.CONTAINER_RUNNING) {
                        events.normal(pod, c.getMetadata().getName(), "Killing",
                                "Stopping container " + c.getMetadata().getName());
                    }
                }
                killPod(rt, grace, true, pod);
            }
            forget(uid);
            deleteFromApi(pod);
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        Eviction eviction = evictions.get(uid);
        if (eviction != null && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            carryOut(pod, rt, eviction);
            return;
        }
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            // terminal: nothing runs again; free the sandbox (its network) but keep containers for their logs
            for (PodSandbox s : rt.sandboxes()) {
                if (s.getState() == PodSandboxState.SANDBOX_READY) {
                    killPod(rt, ContainerSpecs.gracePeriod(pod), false);
                    break;
                }
            }
            return;
        }
        Map<String, Waiting> podWaiting = waiting.computeIfAbsent(uid, k -> new ConcurrentHashMap<>());
        List<String> podIPs = new ArrayList<>();
        Optional<Duration> again = Optional.empty();
        try {
            again = syncRuntime(pod, rt, podWaiting, podIPs);
        } catch (StatusRuntimeException e) {
            LOG.warnf("pod %s: runtime call failed: %s", key, e.getStatus());
            again = Optional.of(Duration.ofSeconds(2));
        }
        RuntimePod now = runtime.pod(uid);
        if (volumes != null && now.readySandbox().isPresent()) {
            try {
                volumes.prepare(pod); // configMap, secret and downwardAPI files follow their sources
            } catch (PodVolumes.VolumeException e) {
                LOG.debugf("pod %s: volume refresh: %s", key, e.getMessage());
            }
        }
        if (podIPs.isEmpty()) {
            now.readySandbox().ifPresent(s -> podIPs.addAll(sandboxIPs(pod, s.getId())));
        }
        writeStatus(pod, PodStatusFactory.build(pod, now, podIPs, nodeIp, podWaiting, clock.instant(), readiness,
                this::terminationMessage));
        again.ifPresent(d -> requeue.accept(uid, d));
    }

    /**
     * Marks a pod for eviction: the caller enqueues its sync, which stops it (through {@link #carryOut}) on the pod's
     * own worker, so no other sync of the pod restarts its containers meanwhile. Returns false when already marked.
     */
    public boolean evict(String uid, Eviction eviction) {
        return evictions.putIfAbsent(uid, eviction) == null;
    }

    /** Whether an eviction of this pod uid was decided (the pod may not show it yet). */
    public boolean evicting(String uid) {
        return evictions.containsKey(uid);
    }

    /** Kills an evicted pod's containers and sandbox (kept for their logs) and reports it Failed/Evicted. */
    private void carryOut(Pod pod, RuntimePod rt, Eviction eviction) {
        String uid = pod.getMetadata().getUid();
        boolean running = rt.containers().stream().anyMatch(c -> c.getState() == ContainerState.CONTAINER_RUNNING)
                || rt.readySandbox().isPresent();
        if (running) {
            for (ContainerStatus c : rt.containers()) {
                if (c.getState() == ContainerState.CONTAINER_RUNNING) {
                    events.normal(pod, c.getMetadata().getName(), "Killing",
                            "Stopping container " + c.getMetadata().getName());
                }
            }
            killPod(rt, eviction.graceSeconds(), false, pod);
        }
        RuntimePod now = runtime.pod(uid);
        var base = PodStatusFactory.build(pod, now, List.of(), nodeIp,
                waiting.computeIfAbsent(uid, k -> new ConcurrentHashMap<>()), clock.instant(), readiness,
                this::terminationMessage);
        writeStatus(pod, PodStatusFactory.evicted(base, eviction.message(), eviction.disruptionTarget(),
                clock.instant()));
    }

    /**
     * What an exited container left in its terminationMessagePath file; with FallbackToLogsOnError and a failure,
     * the tail of its log (last 80 lines, at most 2048 bytes) when the file is empty.
     */
    String terminationMessage(Container spec, ContainerStatus s) {
        String uid = s.getLabelsOrDefault(CriLabels.POD_UID, "");
        String msg = volumes == null ? "" : volumes.terminationMessage(uid, spec.getName(), s.getMetadata().getAttempt());
        if (msg.isEmpty() && s.getExitCode() != 0 && "FallbackToLogsOnError".equals(spec.getTerminationMessagePolicy())
                && !s.getLogPath().isEmpty()) {
            msg = io.kybernetes.kubelet.logs.LogTail.of(Path.of(s.getLogPath()), 80, 2048);
        }
        return msg.isEmpty() ? null : msg;
    }

    /**
     * Before removing a pod's containers because the cache no longer has it, asks the API server directly: a
     * pod that still exists with this uid and this node is only missing from a lagging cache.
     */
    private boolean stillBoundHere(RuntimePod rt) {
        Optional<PodSandbox> sb = rt.latestSandbox();
        if (sb.isEmpty()) {
            return false;
        }
        String ns = sb.get().getMetadata().getNamespace();
        String name = sb.get().getMetadata().getName();
        try {
            Pod live = client.pods().inNamespace(ns).withName(name).get();
            return live != null && rt.uid().equals(live.getMetadata().getUid())
                    && live.getMetadata().getDeletionTimestamp() == null && live.getSpec() != null
                    && sb.get().getLabelsOrDefault(CriLabels.MANAGED_BY, "").equals(CriLabels.MANAGED_BY_VALUE)
                    && nodeName.equals(live.getSpec().getNodeName());
        } catch (KubernetesClientException e) {
            return true; // cannot tell: keep the containers, try again
        }
    }

    public void setVolumes(PodVolumes volumes) {
        this.volumes = volumes;
    }

    /** Where ConfigMaps and Secrets referenced by env come from. */
    public void setObjects(ObjectSource objects) {
        this.objects = objects;
    }

    /** The DNS configuration of a pod's sandbox (dnsPolicy, cluster DNS). */
    public void setDns(Function<Pod, DNSConfig> dns) {
        this.dns = dns;
    }

    /** The node's allocatable CPU and memory (unset limits in the downward API; the OOM score of Burstable pods). */
    public void setNodeResources(long milliCpu, long memoryBytes) {
        this.nodeMilliCpu = milliCpu;
        this.nodeMemoryBytes = memoryBytes;
    }

    public void setEvents(PodEvents events) {
        this.events = events;
    }

    /** Where containers' readiness comes from (the probe manager). */
    public void setReadiness(PodStatusFactory.Readiness readiness) {
        this.readiness = readiness;
    }

    /** Stops one container (a failed liveness or startup probe); the next sync restarts it per restartPolicy. */
    public void killContainer(String uid, String name, String containerId, String message) {
        Pod pod = podByUid.apply(uid);
        if (pod != null) {
            events.normal(pod, name, "Killing", message);
        }
        long grace = pod == null ? ORPHAN_GRACE_SECONDS : ContainerSpecs.gracePeriod(pod);
        if (pod != null) {
            for (Container c : pod.getSpec().getContainers()) {
                if (c.getName().equals(name)) {
                    grace = runPreStop(pod, c, containerId, grace);
                }
            }
        }
        stopQuietly(containerId, grace);
    }

    private void forget(String uid) {
        if (volumes != null) {
            volumes.cleanup(uid);
        }
        pullFailedAt.keySet().removeIf(k -> k.startsWith(uid + "/"));
        waiting.remove(uid);
        evictions.remove(uid);
        backoff.forgetPrefix(uid + "/");
    }

    /** Creates/starts what is missing; returns when the pod needs another look even without runtime events. */
    private Optional<Duration> syncRuntime(Pod pod, RuntimePod rt, Map<String, Waiting> podWaiting,
                                           List<String> podIPs) {
        String uid = pod.getMetadata().getUid();
        Optional<PodSandbox> ready = rt.readySandbox();
        String sandboxId;
        PodSandboxConfig sandboxConfig;
        if (ready.isEmpty()) {
            if (!rt.isEmpty() && "Never".equals(PodStatusFactory.restartPolicy(pod)) && !rt.containers().isEmpty()) {
                return Optional.empty(); // its sandbox died after containers ran: Never restarts anything
            }
            int attempt = rt.latestSandbox().map(s -> s.getMetadata().getAttempt() + 1).orElse(0);
            if (!rt.isEmpty()) {
                LOG.infof("pod %s/%s: sandbox is not ready; recreating it", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
                killPod(rt, ContainerSpecs.gracePeriod(pod), true);
            }
            sandboxConfig = ContainerSpecs.sandboxConfig(pod, podLogRoot, attempt, dns.apply(pod));
            mkdirs(ContainerSpecs.podLogDirectory(podLogRoot, pod));
            long t0 = System.nanoTime();
            try {
                sandboxId = cri.runPodSandbox(sandboxConfig);
            } catch (StatusRuntimeException e) {
                events.warning(pod, null, "FailedCreatePodSandBox", "Failed to create pod sandbox: "
                        + e.getStatus().getDescription());
                throw e;
            }
            LOG.infof("pod %s/%s: sandbox %s started in %d ms", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), shortId(sandboxId), (System.nanoTime() - t0) / 1_000_000);
            rt = runtime.pod(uid);
        } else {
            sandboxId = ready.get().getId();
            sandboxConfig = ContainerSpecs.sandboxConfig(pod, podLogRoot, ready.get().getMetadata().getAttempt(),
                    dns.apply(pod));
        }
        podIPs.addAll(sandboxIPs(pod, sandboxId));
        String podIP = podIPs.isEmpty() ? "" : podIPs.get(0);

        Optional<Duration> again = Optional.empty();
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        for (Container c : inits) {
            Optional<ContainerStatus> cur = rt.latest(c.getName());
            if (cur.isPresent() && cur.get().getState() == ContainerState.CONTAINER_EXITED
                    && cur.get().getExitCode() == 0) {
                continue; // done
            }
            if (cur.isPresent() && cur.get().getState() != ContainerState.CONTAINER_EXITED) {
                return again; // still running: the runtime event of its exit brings us back
            }
            if (cur.isPresent() && "Never".equals(PodStatusFactory.restartPolicy(pod))) {
                return again; // failed init container with restartPolicy Never: the pod fails
            }
            return earliest(again, ensureContainer(pod, c, true, cur, sandboxId, sandboxConfig, podIP, podWaiting));
        }
        for (Container c : pod.getSpec().getContainers()) {
            again = earliest(again, ensureContainer(pod, c, false, rt.latest(c.getName()), sandboxId, sandboxConfig,
                    podIP, podWaiting));
        }
        return again;
    }

    private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().compareTo(b.get()) <= 0 ? a : b;
    }

    private Optional<Duration> ensureContainer(Pod pod, Container c, boolean init, Optional<ContainerStatus> cur,
                                               String sandboxId, PodSandboxConfig sandboxConfig, String podIP,
                                               Map<String, Waiting> podWaiting) {
        String uid = pod.getMetadata().getUid();
        String key = uid + "/" + c.getName();
        int attempt = 0;
        if (cur.isPresent()) {
            ContainerStatus s = cur.get();
            switch (s.getState()) {
                case CONTAINER_RUNNING:
                    podWaiting.remove(c.getName());
                    return Optional.empty();
                case CONTAINER_CREATED:
                    cri.startContainer(s.getId());
                    podWaiting.remove(c.getName());
                    return Optional.empty();
                case CONTAINER_EXITED:
                    if (!shouldRestart(pod, s.getExitCode(), init)) {
                        podWaiting.remove(c.getName());
                        return Optional.empty();
                    }
                    Instant finished = Instant.ofEpochSecond(0, s.getFinishedAt());
                    Duration left = backoff.remaining(key, finished, clock.instant());
                    if (!left.isZero()) {
                        Waiting was = podWaiting.get(c.getName());
                        if (was == null || !"CrashLoopBackOff".equals(was.reason())) {
                            events.warning(pod, c.getName(), "BackOff", "Back-off restarting failed container "
                                    + c.getName() + " in pod " + pod.getMetadata().getName());
                        }
                        podWaiting.put(c.getName(), new Waiting("CrashLoopBackOff", "back-off "
                                + backoff.delay(key).toSeconds() + "s restarting failed container=" + c.getName()
                                + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace()
                                + "(" + uid + ")"));
                        return Optional.of(left);
                    }
                    attempt = s.getMetadata().getAttempt() + 1;
                    break;
                default:
                    attempt = s.getMetadata().getAttempt() + 1;
            }
        }
        if (cur.isEmpty()) {
            attempt = previousRestarts(pod, c.getName(), init); // a new sandbox: counts continue from the API
        }
        String pullKey = key + "/pull";
        if (podWaiting.get(c.getName()) != null && "ErrImagePull".equals(podWaiting.get(c.getName()).reason())
                || podWaiting.get(c.getName()) != null && "ImagePullBackOff".equals(podWaiting.get(c.getName()).reason())) {
            Instant failedAt = pullFailedAt.getOrDefault(pullKey, Instant.EPOCH);
            Duration left = backoff.remaining(pullKey, failedAt, clock.instant());
            Duration shown = Duration.between(failedAt, clock.instant());
            if (!left.isZero() && "ErrImagePull".equals(podWaiting.get(c.getName()).reason())
                    && shown.compareTo(PULL_ERROR_SHOWN) < 0) {
                return Optional.of(PULL_ERROR_SHOWN.minus(shown)); // another sync (a relist) leaves the error standing
            }
            if (!left.isZero()) {
                if (!"ImagePullBackOff".equals(podWaiting.get(c.getName()).reason())) {
                    events.normal(pod, c.getName(), "BackOff", "Back-off pulling image \"" + c.getImage() + "\"");
                }
                podWaiting.put(c.getName(), new Waiting("ImagePullBackOff",
                        "Back-off pulling image \"" + c.getImage() + "\""));
                return Optional.of(left);
            }
        }
        try {
            ensureImage(pod, c, sandboxConfig);
        } catch (StatusRuntimeException e) {
            String msg = "failed to pull image \"" + c.getImage() + "\": " + e.getStatus().getDescription();
            LOG.warnf("pod %s/%s: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), msg);
            events.warning(pod, c.getName(), "Failed", "Failed to pull image \"" + c.getImage() + "\": "
                    + e.getStatus().getDescription());
            pullFailedAt.put(pullKey, clock.instant());
            Duration d = backoff.next(pullKey, clock.instant());
            podWaiting.put(c.getName(), new Waiting("ErrImagePull", msg));
            // look again within the back-off, as upstream's pod worker does: ErrImagePull shows for a few seconds,
            // then ImagePullBackOff until the back-off ends and the pull is tried again
            return Optional.of(d.compareTo(PULL_ERROR_SHOWN) < 0 ? d : PULL_ERROR_SHOWN);
        } catch (ImageNotPresentException e) {
            podWaiting.put(c.getName(), new Waiting("ErrImageNeverPull", e.getMessage()));
            return Optional.empty();
        }
        if (cur.isPresent()) {
            // keep only the newest exited instance (for `logs --previous`)
            List<ContainerStatus> old = runtime.pod(uid).instances(c.getName());
            for (ContainerStatus o : old.subList(Math.min(1, old.size()), old.size())) {
                removeQuietly(o.getId());
            }
            backoff.next(key, clock.instant());
        }
        Map<String, String> volumePaths;
        try {
            volumePaths = volumes == null ? Map.of() : volumes.prepare(pod);
        } catch (PodVolumes.VolumeException e) {
            // as upstream: the container keeps waiting in ContainerCreating while the mount fails
            Waiting was = podWaiting.get(c.getName());
            if (was == null || !e.getMessage().equals(was.message())) {
                events.warning(pod, null, "FailedMount", e.getMessage());
            }
            podWaiting.put(c.getName(), new Waiting("ContainerCreating", e.getMessage()));
            return Optional.of(Duration.ofSeconds(5));
        }
        Map<String, String> env;
        try {
            if (ContainerSecurity.runAsNonRoot(pod, c)) {
                var image = cri.imageStatus(c.getImage());
                Long imageUid = image != null && image.getImage().hasUid() ? image.getImage().getUid().getValue() : null;
                ContainerSecurity.verifyNonRoot(pod, c, imageUid, image == null ? "" : image.getImage().getUsername());
            }
            env = ContainerEnv.resolve(pod, c, new PodFacts(podIP.isEmpty() ? List.of() : List.of(podIP), nodeIp,
                    nodeMilliCpu, nodeMemoryBytes), objects);
        } catch (ContainerConfigException e) {
            Waiting was = podWaiting.get(c.getName());
            if (was == null || !e.getMessage().equals(was.message())) {
                events.warning(pod, c.getName(), "Failed", "Error: " + e.getMessage());
            }
            podWaiting.put(c.getName(), new Waiting("CreateContainerConfigError", e.getMessage()));
            return Optional.of(Duration.ofSeconds(5));
        }
        if (c.getVolumeMounts() != null) {
            try {
                for (var m : c.getVolumeMounts()) {
                    String sub = m.getSubPathExpr() != null && !m.getSubPathExpr().isEmpty()
                            ? ContainerEnv.expand(m.getSubPathExpr(), env) : m.getSubPath();
                    if (volumePaths.containsKey(m.getName())) {
                        PodVolumes.ensureSubPath(volumePaths.get(m.getName()), sub);
                    }
                }
            } catch (PodVolumes.VolumeException e) {
                podWaiting.put(c.getName(), new Waiting("CreateContainerConfigError", e.getMessage()));
                return Optional.of(Duration.ofSeconds(5));
            }
        }
        String terminationFile = volumes == null ? null : volumes.terminationMessageFile(uid, c.getName(), attempt);
        ContainerConfig config = ContainerSpecs.containerConfig(pod, c, attempt, init,
                new ContainerSpecs.Inputs(env, volumePaths, terminationFile, nodeMemoryBytes));
        mkdirs(ContainerSpecs.podLogDirectory(podLogRoot, pod).resolve(c.getName()));
        String id;
        try {
            id = cri.createContainer(sandboxId, config, sandboxConfig);
            events.normal(pod, c.getName(), "Created", "Created container " + c.getName());
        } catch (StatusRuntimeException e) {
            events.warning(pod, c.getName(), "Failed", "Error: " + e.getStatus().getDescription());
            podWaiting.put(c.getName(), new Waiting("CreateContainerError", e.getStatus().getDescription()));
            return Optional.of(Duration.ofSeconds(5));
        }
        try {
            cri.startContainer(id);
            events.normal(pod, c.getName(), "Started", "Started container " + c.getName());
        } catch (StatusRuntimeException e) {
            events.warning(pod, c.getName(), "Failed", "Error: " + e.getStatus().getDescription());
            podWaiting.put(c.getName(), new Waiting("RunContainerError", e.getStatus().getDescription()));
            return Optional.of(Duration.ofSeconds(5));
        }
        if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
            String error = hooks.run(c.getLifecycle().getPostStart(), c, podIP, id, POST_START_TIMEOUT_SECONDS);
            if (error != null) {
                events.warning(pod, c.getName(), "FailedPostStartHook", error);
                LOG.infof("pod %s/%s: postStart hook of %s failed: %s", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), c.getName(), error);
                events.normal(pod, c.getName(), "Killing", "FailedPostStartHook");
                stopQuietly(id, ContainerSpecs.gracePeriod(pod));
                return Optional.of(Duration.ofSeconds(1));
            }
        }
        podWaiting.remove(c.getName());
        LOG.infof("pod %s/%s: started container %s (%s, restart %d)", pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), c.getName(), shortId(id), attempt);
        return Optional.empty();
    }

    /** restartCount + 1 when the API status shows that this container already ran (in an earlier sandbox). */
    static int previousRestarts(Pod pod, String name, boolean init) {
        if (pod.getStatus() == null) {
            return 0;
        }
        var list = init ? pod.getStatus().getInitContainerStatuses() : pod.getStatus().getContainerStatuses();
        if (list == null) {
            return 0;
        }
        for (var cs : list) {
            if (name.equals(cs.getName()) && cs.getContainerID() != null && !cs.getContainerID().isEmpty()) {
                return (cs.getRestartCount() == null ? 0 : cs.getRestartCount()) + 1;
            }
        }
        return 0;
    }

    static final class ImageNotPresentException extends Exception {
        ImageNotPresentException(String message) {
            super(message, null, false, false);
        }
    }

    private void ensureImage(Pod pod, Container c, PodSandboxConfig sandboxConfig) throws ImageNotPresentException {
        String policy = pullPolicy(c);
        if (!"Always".equals(policy) && cri.imageStatus(c.getImage()) != null) {
            events.normal(pod, c.getName(), "Pulled", "Container image \"" + c.getImage() + "\" already present on machine");
            return;
        }
        if ("Never".equals(policy)) {
            throw new ImageNotPresentException("Container image \"" + c.getImage()
                    + "\" is not present with pull policy of Never");
        }
        events.normal(pod, c.getName(), "Pulling", "Pulling image \"" + c.getImage() + "\"");
        long t0 = System.nanoTime();
        cri.pullImage(c.getImage(), sandboxConfig);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.debugf("pulled image %s in %d ms", c.getImage(), ms);
        events.normal(pod, c.getName(), "Pulled", "Successfully pulled image \"" + c.getImage() + "\" in " + ms + "ms");
    }

    /** The container's imagePullPolicy, defaulted as the API server does (Always for :latest or no tag). */
    static String pullPolicy(Container c) {
        if (c.getImagePullPolicy() != null && !c.getImagePullPolicy().isEmpty()) {
            return c.getImagePullPolicy();
        }
        String image = c.getImage();
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > slash;
        return !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent";
    }

    static boolean shouldRestart(Pod pod, int exitCode, boolean init) {
        String policy = PodStatusFactory.restartPolicy(pod);
        if (init) {
            return exitCode != 0 && !"Never".equals(policy);
        }
        return switch (policy) {
            case "Never" -> false;
            case "OnFailure" -> exitCode != 0;
            default -> true;
        };
    }

    private List<String> sandboxIPs(Pod pod, String sandboxId) {
        if (ContainerSpecs.hostNetwork(pod)) {
            return List.of(nodeIp);
        }
        List<String> ips = new ArrayList<>();
        try {
            PodSandboxStatus st = cri.podSandboxStatus(sandboxId);
            if (st.hasNetwork() && !st.getNetwork().getIp().isEmpty()) {
                ips.add(st.getNetwork().getIp());
                st.getNetwork().getAdditionalIpsList().forEach(ip -> ips.add(ip.getIp()));
            }
        } catch (StatusRuntimeException e) {
            LOG.debugf("sandbox %s status: %s", sandboxId, e.getStatus());
        }
        return ips;
    }

    /**
     * Runs the container's preStop hook (if any) within {@code graceSeconds}; returns the grace left for the stop
     * (at least 2 s, as upstream).
     */
    long runPreStop(Pod pod, Container spec, String containerId, long graceSeconds) {
        if (spec.getLifecycle() == null || spec.getLifecycle().getPreStop() == null) {
            return graceSeconds;
        }
        long t0 = System.nanoTime();
        String podIP = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? "" : pod.getStatus().getPodIP();
        String error = hooks.run(spec.getLifecycle().getPreStop(), spec, podIP, containerId, graceSeconds);
        if (error != null) {
            events.warning(pod, spec.getName(), "FailedPreStopHook", error);
        }
        long used = (System.nanoTime() - t0) / 1_000_000_000L;
        return Math.max(2, graceSeconds - used);
    }

    /** Stops every container (with the grace period), stops the sandboxes and, if {@code remove}, removes all. */
    void killPod(RuntimePod rt, long graceSeconds, boolean remove) {
        killPod(rt, graceSeconds, remove, null);
    }

    /** {@code pod}: when known, its containers' preStop hooks run first, within the grace period. */
    void killPod(RuntimePod rt, long graceSeconds, boolean remove, Pod pod) {
        List<Thread> stops = new ArrayList<>();
        for (ContainerStatus c : rt.containers()) {
            if (c.getState() == ContainerState.CONTAINER_RUNNING || c.getState() == ContainerState.CONTAINER_CREATED) {
                // containers stop in parallel so that the pod takes one grace period, not one per container
                Container spec = pod == null ? null : ContainerSpecs.allContainers(pod).stream()
                        .filter(x -> x.getName().equals(c.getMetadata().getName())).findFirst().orElse(null);
                Thread t = new Thread(() -> stopQuietly(c.getId(), spec == null || c.getState()
                        != ContainerState.CONTAINER_RUNNING ? graceSeconds : runPreStop(pod, spec, c.getId(), graceSeconds)),
                        "stop-" + shortId(c.getId()));
                t.start();
                stops.add(t);
            }
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (PodSandbox s : rt.sandboxes()) {
            try {
                cri.stopPodSandbox(s.getId());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    LOG.warnf("stop sandbox %s: %s", shortId(s.getId()), e.getStatus());
                }
            }
        }
        if (!remove) {
            return;
        }
        for (ContainerStatus c : rt.containers()) {
            removeQuietly(c.getId());
        }
        for (PodSandbox s : rt.sandboxes()) {
            try {
                cri.removePodSandbox(s.getId());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    LOG.warnf("remove sandbox %s: %s", shortId(s.getId()), e.getStatus());
                }
            }
        }
    }

    private void stopQuietly(String id, long graceSeconds) {
        try {
            cri.stopContainer(id, graceSeconds);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                LOG.warnf("stop container %s: %s", shortId(id), e.getStatus());
            }
        }
    }

    private void removeQuietly(String id) {
        try {
            cri.removeContainer(id);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                LOG.warnf("remove container %s: %s", shortId(id), e.getStatus());
            }
        }
    }

    /** The final DELETE: grace period 0 with a uid precondition, so a new pod of the same name is never hit. */
    private void deleteFromApi(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String body = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
                + "\"preconditions\":{\"uid\":\"" + pod.getMetadata().getUid() + "\"}}";
        try {
            var http = client.getHttpClient();
            var req = http.newHttpRequestBuilder()
                    .uri(client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + ns + "/pods/" + name)
                    .method("DELETE", "application/json", body)
                    .build();
            var resp = http.sendAsync(req, String.class).get(30, java.util.concurrent.TimeUnit.SECONDS);
            int code = resp.code();
            if (code == 200 || code == 202 || code == 404 || code == 409) {
                LOG.infof("pod %s/%s deleted from the API (%d)", ns, name, code);
            } else {
                LOG.warnf("pod %s/%s: final delete answered %d: %s", ns, name, code, resp.body());
                requeue.accept(pod.getMetadata().getUid(), Duration.ofSeconds(2));
            }
        } catch (Exception e) {
            LOG.warnf("pod %s/%s: final delete failed: %s", ns, name, e.toString());
            requeue.accept(pod.getMetadata().getUid(), Duration.ofSeconds(2));
        }
    }

    private void writeStatus(Pod pod, PodStatus status) {
        if (status.equals(pod.getStatus())) {
            return;
        }
        Pod copy = new PodBuilder(pod).withStatus(status).build();
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
            LOG.debugf("pod %s/%s status: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    status.getPhase());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                LOG.debugf("pod %s/%s: status conflict, retrying", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
            } else if (e.getCode() != 404) {
                LOG.warnf("pod %s/%s: status update failed: %s", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), e.getMessage());
            }
            if (e.getCode() != 404) {
                requeue.accept(pod.getMetadata().getUid(), Duration.ofMillis(500));
            }
        }
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (java.io.IOException e) {
            LOG.warnf("cannot create %s: %s", p, e.getMessage());
        }
    }

    static String shortId(String id) {
        return id.length() > 13 ? id.substring(0, 13) : id;
    }
}
