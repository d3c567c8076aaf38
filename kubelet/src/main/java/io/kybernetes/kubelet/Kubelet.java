package io.kybernetes.kubelet;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.dns.PodDns;
import io.kybernetes.kubelet.env.ObjectSource;
import io.kybernetes.kubelet.node.MachineInfo;
import io.kybernetes.kubelet.node.NodeAgent;
import io.kybernetes.kubelet.pod.PodEvents;
import io.kybernetes.kubelet.pod.PodStatusFactory;
import io.kybernetes.kubelet.pod.PodSyncer;
import io.kybernetes.kubelet.pod.StaticPods;
import io.kybernetes.kubelet.pod.PodWorkers;
import io.kybernetes.kubelet.pod.RuntimeView;
import io.kybernetes.kubelet.probe.ProbeManager;
import io.kybernetes.kubelet.probe.Prober;
import io.kybernetes.kubelet.volume.PodVolumes;

/**
 * The node agent: registers the node, keeps its status and lease fresh, watches the pods bound to it and hands each
 * pod to {@link PodSyncer} whenever the pod or its containers change. Plain Java, so tests can run it without Quarkus.
 */
public final class Kubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Kubelet.class);

    /** Tunable for tests. */
    public static final class Settings {
        public Duration statusInterval = Duration.ofSeconds(10);
        public Duration relistInterval = Duration.ofSeconds(1);
        public Duration housekeepingInterval = Duration.ofMinutes(1);
        public Duration podResync = Duration.ofSeconds(30);
        public int workers = 4;
        /** Select this node's pods with a fieldSelector on the server (fabric8's mock server ignores it on watches). */
        public boolean serverSideNodeSelector = true;
        public List<String> clusterDns = List.of("10.96.0.10");
        public String clusterDomain = "cluster.local";
        public Path resolvConf = Path.of("/etc/resolv.conf");
        /** Directory of static pod manifests; null: none. */
        public Path podManifestPath;
        public Duration staticPodInterval = Duration.ofSeconds(20);
        /** Eviction thresholds and periods; null: upstream's defaults. */
        public io.kybernetes.kubelet.eviction.EvictionManager.Config eviction;
        /** How often the eviction manager runs (upstream's housekeeping interval). */
        public Duration evictionInterval = Duration.ofSeconds(10);
        /** Where the eviction manager reads signals and usage; null: this host and the runtime. */
        public io.kybernetes.kubelet.eviction.StatsSource evictionStats;
        /** Image garbage collection thresholds and ages. */
        public io.kybernetes.kubelet.gc.ImageGc.Policy imageGc = io.kybernetes.kubelet.gc.ImageGc.Policy.DEFAULT;
        public io.kybernetes.kubelet.gc.ContainerGc.Policy containerGc = io.kybernetes.kubelet.gc.ContainerGc.Policy.DEFAULT;
        public Duration imageGcInterval = Duration.ofMinutes(5);
        public Duration containerGcInterval = Duration.ofMinutes(1);
        /** The sandbox image: never collected. */
        public String podInfraContainerImage = "docker.io/library/pause:3.9";
    }

    private final KubernetesClient client;
    private final CriClient cri;
    private final NodeAgent node;
    private final String nodeIp;
    private final Path podLogDir;
    private final Path rootDir;
    private final Settings settings;
    private final RuntimeView runtime;
    private final MachineInfo machine;
    private final ScheduledExecutorService loops = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "kubelet-loop");
        t.setDaemon(true);
        return t;
    });
    private PodWorkers workers;
    private ProbeManager probes;
    private PodEvents events;
    private SharedIndexInformer<Pod> informer;
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> serviceInformer;
    private io.kybernetes.kubelet.eviction.EvictionManager evictionManager;
    private PodSyncer syncer;
    private io.kybernetes.kubelet.node.NodeEvents nodeEvents;
    private io.kybernetes.kubelet.eviction.StatsSource stats;
    private io.kybernetes.kubelet.gc.GarbageCollector gc;
    private final ScheduledExecutorService gcLoop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubelet-gc");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, Set<String>> lastFingerprints = new HashMap<>();
    private volatile boolean podsSynced;
    /** namespace/name of each pod uid seen in the cache (the cache's own uid index is not safe to read concurrently). */
    private final Map<String, String> keysByUid = new ConcurrentHashMap<>();

    public Kubelet(KubernetesClient client, CriClient cri, String nodeName, String nodeIp, String podCidr, int port,
                   Path rootDir, Path podLogDir, Settings settings) {
        this.client = client;
        this.cri = cri;
        this.nodeIp = nodeIp;
        this.podLogDir = podLogDir;
        this.rootDir = rootDir;
        this.settings = settings;
        this.runtime = new RuntimeView(cri);
        this.machine = MachineInfo.read(rootDir);
        String runtimeVersion = runtimeVersion(cri);
        this.node = new NodeAgent(client, nodeName, nodeIp, podCidr, port, () -> machine, () -> runtimeVersion,
                Clock.systemUTC());
    }

    private PodDns.HostResolv hostResolv() {
        try {
            return PodDns.HostResolv.parse(java.nio.file.Files.readString(settings.resolvConf));
        } catch (java.io.IOException e) {
            LOG.warnf("cannot read %s: %s", settings.resolvConf, e.getMessage());
            return new PodDns.HostResolv(List.of(), List.of(), List.of());
        }
    }

    private static String runtimeVersion(CriClient cri) {
        var v = cri.version();
        return v.getRuntimeName() + "://" + v.getRuntimeVersion();
    }

    public String nodeName() {
        return node.nodeName();
    }

    public boolean podsSynced() {
        return podsSynced;
    }

    public void start() {
        node.setImages(() -> io.kybernetes.kubelet.node.NodeImages.of(cri.listImages()));
        nodeEvents = new io.kybernetes.kubelet.node.NodeEvents(client, node.nodeName());
        stats = settings.evictionStats != null ? settings.evictionStats
                : new io.kybernetes.kubelet.eviction.HostStats(cri, rootDir, podLogDir);
        node.register();
        loops.scheduleWithFixedDelay(guard("node status", node::postStatus), settings.statusInterval.toMillis(),
                settings.statusInterval.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(guard("node lease", node::renewLease), 0, settings.statusInterval.toMillis(),
                TimeUnit.MILLISECONDS);

        PodSyncer syncer = this.syncer = new PodSyncer(cri, client, this::podByUid, node.nodeName(), nodeIp, podLogDir,
                (uid, d) -> workers.enqueueAfter(uid, d), Clock.systemUTC());
        workers = new PodWorkers(settings.workers, syncer::sync);
        probes = new ProbeManager(new Prober(cri), this::boundPods, uid -> workers.enqueue(uid),
                (uid, name, id, message) -> {
                    syncer.killContainer(uid, name, id, message);
                    workers.enqueue(uid);
                }, Clock.systemUTC());
        ProbeManager probeManager = probes;
        syncer.setReadiness(new PodStatusFactory.Readiness() {
            @Override
            public boolean ready(String containerId, io.fabric8.kubernetes.api.model.Container spec) {
                return probeManager.ready(containerId, spec);
            }

            @Override
            public boolean started(String containerId, io.fabric8.kubernetes.api.model.Container spec) {
                return probeManager.started(containerId, spec);
            }

            @Override
            public boolean probed(String containerId, io.fabric8.kubernetes.api.model.Container spec) {
                return probeManager.probed(containerId, spec);
            }
        });
        events = new PodEvents(client, node.nodeName());
        probes.setEvents(events);
        syncer.setEvents(events);
        PodVolumes volumes = new PodVolumes(client, rootDir);
        volumes.setNodeResources(new io.kybernetes.kubelet.env.PodFacts.NodeResources(machine.cpus() * 1000L,
                machine.memoryKi() * 1024));
        syncer.setVolumes(volumes);
        // Services for the containers' Service variables, as upstream's kubelet keeps them
        serviceInformer = client.services().inAnyNamespace().runnableInformer(0);
        serviceInformer.start();
        syncer.setObjects(ObjectSource.of(client, () -> serviceInformer.hasSynced()
                ? serviceInformer.getStore().list() : null));
        syncer.setNodeResources(machine.cpus() * 1000L, machine.memoryKi() * 1024);
        syncer.setDns(pod -> PodDns.config(pod, settings.clusterDns, settings.clusterDomain, hostResolv()));
        var pods = client.pods().inAnyNamespace();
        informer = (settings.serverSideNodeSelector ? pods.withField("spec.nodeName", node.nodeName()) : pods)
                .runnableInformer(settings.podResync.toMillis());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                keysByUid.put(pod.getMetadata().getUid(), key(pod));
                workers.enqueue(pod.getMetadata().getUid());
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                keysByUid.put(pod.getMetadata().getUid(), key(pod));
                if (io.kybernetes.kubelet.pod.PodUpdates.needsSync(oldPod, pod)) {
                    workers.enqueue(pod.getMetadata().getUid());
                }
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                keysByUid.remove(pod.getMetadata().getUid());
                workers.enqueue(pod.getMetadata().getUid());
            }
        });
        // start() completes only once the watch answers, which some servers delay until the first event;
        // the cache is usable as soon as the initial list is in, so wait for hasSynced instead.
        informer.start();
        loops.schedule(this::awaitPodsSynced, 100, TimeUnit.MILLISECONDS);
    }

    private void awaitPodsSynced() {
        if (!informer.hasSynced()) {
            loops.schedule(this::awaitPodsSynced, 100, TimeUnit.MILLISECONDS);
            return;
        }
        podsSynced = true;
        LOG.infof("watching pods bound to node %s", node.nodeName());
        guard("housekeeping", this::housekeeping).run(); // adopt or clean what an earlier run left in the runtime
        loops.scheduleWithFixedDelay(guard("relist", this::relist), settings.relistInterval.toMillis(),
                settings.relistInterval.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(guard("housekeeping", this::housekeeping),
                settings.housekeepingInterval.toMillis(), settings.housekeepingInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(guard("probes", probes::tick), 1, 1, TimeUnit.SECONDS);
        startGarbageCollection();
        startEviction();
        if (settings.podManifestPath != null) {
            StaticPods statics = new StaticPods(client, settings.podManifestPath, node.nodeName(), this::boundPods);
            loops.scheduleWithFixedDelay(guard("static pods", statics::sync), 0,
                    settings.staticPodInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The eviction manager: it also sets the node's pressure conditions, so it runs before the pods are synced. */
    private void startEviction() {
        var config = settings.eviction != null ? settings.eviction : new io.kybernetes.kubelet.eviction.EvictionManager.Config(
                io.kybernetes.kubelet.eviction.Thresholds.parse(io.kybernetes.kubelet.eviction.Thresholds.DEFAULT_HARD,
                        "", "", ""), Duration.ofMinutes(5), 0);
        evictionManager = new io.kybernetes.kubelet.eviction.EvictionManager(config, stats, this::evictablePods,
                (pod, grace, message, disruption) -> {
                    events.warning(pod, null, io.kybernetes.kubelet.eviction.EvictionMessages.REASON, message);
                    if (syncer.evict(pod.getMetadata().getUid(), new PodSyncer.Eviction(grace, message, disruption))) {
                        workers.enqueue(pod.getMetadata().getUid());
                    }
                });
        var manager = evictionManager;
        var collector = gc;
        manager.setNodeReclaimer(signal -> collector.reclaimDisk());
        node.setPressure(manager::pressure);
        loops.scheduleWithFixedDelay(guard("eviction", () -> manager.synchronize(java.time.Instant.now())), 0,
                settings.evictionInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Container GC every minute and image GC every five minutes, on their own thread (removals can be slow). */
    private void startGarbageCollection() {
        var runtime = io.kybernetes.kubelet.gc.GcRuntime.of(cri);
        var containers = new io.kybernetes.kubelet.gc.ContainerGc(settings.containerGc, runtime, this::podState,
                podLogDir, Clock.systemUTC());
        var images = new io.kybernetes.kubelet.gc.ImageGc(settings.imageGc, runtime,
                () -> stats.node().get(io.kybernetes.kubelet.eviction.Signal.IMAGEFS_AVAILABLE),
                Set.of(settings.podInfraContainerImage), nodeEvents::warning, Clock.systemUTC());
        var collector = gc = new io.kybernetes.kubelet.gc.GarbageCollector(containers, images, () -> podsSynced,
                nodeEvents::warning);
        gcLoop.scheduleWithFixedDelay(guard("container gc", collector::collectContainers),
                settings.containerGcInterval.toMillis(), settings.containerGcInterval.toMillis(), TimeUnit.MILLISECONDS);
        gcLoop.scheduleWithFixedDelay(guard("image gc", collector::collectImages), 0,
                settings.imageGcInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The garbage collectors (null until the pods are synced). */
    public io.kybernetes.kubelet.gc.GarbageCollector garbageCollector() {
        return gc;
    }

    private io.kybernetes.kubelet.gc.ContainerGc.PodState podState(String uid) {
        Pod p = podByUid(uid);
        if (p == null) {
            return io.kybernetes.kubelet.gc.ContainerGc.PodState.GONE;
        }
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return p.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase)
                ? io.kybernetes.kubelet.gc.ContainerGc.PodState.TERMINATED
                : io.kybernetes.kubelet.gc.ContainerGc.PodState.ACTIVE;
    }

    /** Pods that are running or starting here and not already being deleted or evicted. */
    private List<Pod> evictablePods() {
        return boundPods().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() == null || !"Succeeded".equals(p.getStatus().getPhase())
                        && !"Failed".equals(p.getStatus().getPhase()))
                .filter(p -> !syncer.evicting(p.getMetadata().getUid()))
                .toList();
    }

    private List<Pod> boundPods() {
        return informer.getStore().list().stream()
                .filter(p -> p.getSpec() != null && node.nodeName().equals(p.getSpec().getNodeName()))
                .toList();
    }

    Pod podByUid(String uid) {
        String key = keysByUid.get(uid);
        Pod p = key == null ? null : informer.getStore().getByKey(key);
        if (p == null || !uid.equals(p.getMetadata().getUid()) || p.getSpec() == null
                || !node.nodeName().equals(p.getSpec().getNodeName())) {
            return null;
        }
        return p;
    }

    /** Pods with a ready sandbox and running containers, as of the last relist (for /metrics). */
    public long runtimePods() {
        return lastFingerprints.values().stream()
                .filter(fs -> fs.stream().anyMatch(f -> f.startsWith("s") && f.endsWith(":0"))).count();
    }

    public long runningContainers() {
        return lastFingerprints.values().stream().flatMap(Set::stream)
                .filter(f -> f.startsWith("c") && f.endsWith(":" + CONTAINER_RUNNING)).count();
    }

    private static final int CONTAINER_RUNNING = io.kybernetes.kubelet.cri.v1.ContainerState.CONTAINER_RUNNING_VALUE;

    /** Notices runtime changes (a container exited, a sandbox died) and syncs the pods they belong to. */
    private void relist() {
        Map<String, Set<String>> now = runtime.fingerprints();
        for (Map.Entry<String, Set<String>> e : now.entrySet()) {
            if (!e.getValue().equals(lastFingerprints.get(e.getKey()))) {
                workers.enqueue(e.getKey());
            }
        }
        lastFingerprints = now;
    }

    /** Syncs every pod that has something in the runtime: ones no longer in the API get cleaned up. */
    private void housekeeping() {
        for (String uid : runtime.podUids()) {
            if (podByUid(uid) == null) {
                LOG.infof("runtime has pod uid %s that is not bound here any more: cleaning up", uid);
            }
            workers.enqueue(uid);
        }
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static Runnable guard(String what, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warnf("%s failed: %s", what, e.toString());
            }
        };
    }

    @Override
    public void close() {
        loops.shutdownNow();
        gcLoop.shutdownNow();
        if (informer != null) {
            informer.close();
        }
        if (serviceInformer != null) {
            serviceInformer.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (probes != null) {
            probes.close();
        }
        if (events != null) {
            events.close();
        }
        if (nodeEvents != null) {
            nodeEvents.close();
        }
    }
}
