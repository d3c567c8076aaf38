package io.kybernetes.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.kubelet.certificate.NodeClients;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.hollow.HollowFleet;
import io.kybernetes.kubelet.hollow.HollowKubelet;
import io.kybernetes.kubelet.logs.ContainerLogs;
import io.kybernetes.kubelet.node.NodeAddresses;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Starts the {@link Kubelet} with the configured flags when Quarkus starts, and stops it on shutdown. */
@ApplicationScoped
public class KubeletService {

    private static final Logger LOG = Logger.getLogger(KubeletService.class);

    @Inject
    KubeletConfig config;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "10250")
    int port;

    private KubernetesClient client;
    private CriClient cri;
    private volatile Kubelet kubelet;
    private volatile ContainerLogs logs;
    private volatile boolean stopping;
    private volatile HollowKubelet hollow;
    private io.kybernetes.kubelet.eviction.EvictionManager.Config eviction;
    private io.kybernetes.kubelet.gc.ImageGc.Policy imageGc;
    private io.kybernetes.kubelet.gc.ContainerGc.Policy containerGc;

    void start(@Observes StartupEvent ev) {
        if (!config.agentEnabled()) {
            return;
        }
        if (config.hollowNodes() > 0) {
            startHollow();
            return;
        }
        String nodeName = config.hostnameOverride().filter(s -> !s.isBlank()).map(String::toLowerCase)
                .orElseGet(NodeAddresses::hostname);
        String nodeIp = config.nodeIp().filter(s -> !s.isBlank()).orElseGet(NodeAddresses::firstNonLoopbackIPv4);
        try {
            eviction = evictionConfig();
            imageGc = imageGcPolicy();
            containerGc = new io.kybernetes.kubelet.gc.ContainerGc.Policy(
                    io.kybernetes.kubelet.eviction.Thresholds.goDuration(config.minimumContainerTtlDuration()),
                    config.maximumDeadContainersPerContainer(), config.maximumDeadContainers());
        } catch (IllegalArgumentException e) {
            LOG.errorf("kubelet cannot start: %s", e.getMessage());
            Quarkus.asyncExit(1);
            return;
        }
        try {
            client = NodeClients.fromKubeconfig(Path.of(config.kubeconfig()), true);
            cri = new CriClient(config.containerRuntimeEndpoint());
            Files.createDirectories(Path.of(config.rootDir()));
            Files.createDirectories(Path.of(config.podLogDir()));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("kubelet cannot start: %s", e.toString());
            Quarkus.asyncExit(1);
            return;
        }
        logs = new ContainerLogs(cri);
        // The runtime and the API server may come up after us: keep trying in the background, as upstream does.
        Thread starter = new Thread(() -> connect(nodeName, nodeIp), "kubelet-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Scale tests: many hollow nodes with a fake runtime, and no CRI connection at all. */
    private void startHollow() {
        HollowKubelet h;
        try {
            HollowFleet fleet = new HollowFleet(config.hollowNodePrefix(), config.hollowNodes(), config.hollowZones(),
                    config.hollowNodeCpu(),
                    Quantity.getAmountInBytes(new Quantity(config.hollowNodeMemory())).longValue() / 1024);
            h = new HollowKubelet(NodeClients.fromKubeconfig(Path.of(config.kubeconfig()), true), fleet,
                    new HollowKubelet.Settings(config.hollowLeaseInterval(), config.hollowStatusInterval(),
                            config.hollowStartDelay(), config.hollowWorkers()), java.time.Clock.systemUTC());
        } catch (RuntimeException e) {
            LOG.errorf("hollow kubelet cannot start: %s", e.getMessage());
            Quarkus.asyncExit(1);
            return;
        }
        hollow = h;
        Thread starter = new Thread(() -> {
            long delay = 500;
            while (!stopping) {
                try {
                    h.start();
                    metrics.gauge("kubelet_hollow_nodes", h, HollowKubelet::nodeCount);
                    metrics.gauge("kubelet_hollow_pods_started", h, HollowKubelet::podsStarted);
                    return;
                } catch (RuntimeException e) {
                    LOG.warnf("hollow nodes not registered yet (%s); retrying in %d ms", e.getMessage(), delay);
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    delay = Math.min(delay * 2, 10_000);
                }
            }
        }, "kubelet-hollow-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void connect(String nodeName, String nodeIp) {
        long delay = 500;
        while (!stopping) {
            Kubelet k = null;
            try {
                LOG.infof("container runtime %s", cri.version().getRuntimeVersion());
                k = new Kubelet(client, cri, nodeName, nodeIp, config.podCidr(), port,
                        Path.of(config.rootDir()), Path.of(config.podLogDir()), settings());
                k.start();
                kubelet = k;
                metrics.gauge("kubelet_running_pods", k, Kubelet::runtimePods);
                metrics.gauge("kubelet_running_containers", k, Kubelet::runningContainers);
                LOG.infof("kubelet started: node %s, IP %s, runtime %s", nodeName, nodeIp,
                        config.containerRuntimeEndpoint());
                return;
            } catch (RuntimeException e) {
                if (k != null) {
                    k.close();
                }
                LOG.warnf("kubelet not started yet (%s); retrying in %d ms", e.getMessage(), delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
                delay = Math.min(delay * 2, 10_000);
            }
        }
    }

    private Kubelet.Settings settings() {
        Kubelet.Settings s = new Kubelet.Settings();
        s.clusterDns = java.util.Arrays.stream(config.clusterDns().split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).toList();
        s.clusterDomain = config.clusterDomain();
        s.resolvConf = Path.of(config.resolvConf());
        s.podManifestPath = config.podManifestPath().filter(x -> !x.isBlank()).map(Path::of).orElse(null);
        s.eviction = eviction;
        s.evictionInterval = io.kybernetes.kubelet.eviction.Thresholds.goDuration(config.housekeepingInterval());
        s.imageGc = imageGc;
        s.containerGc = containerGc;
        s.podInfraContainerImage = config.podInfraContainerImage();
        return s;
    }

    /** The image GC flags, validated as upstream validates them. */
    private io.kybernetes.kubelet.gc.ImageGc.Policy imageGcPolicy() {
        try {
            var p = new io.kybernetes.kubelet.gc.ImageGc.Policy(config.imageGcHighThreshold(),
                    config.imageGcLowThreshold(),
                    io.kybernetes.kubelet.eviction.Thresholds.goDuration(config.imageMinimumGcAge()),
                    io.kybernetes.kubelet.eviction.Thresholds.goDuration(config.imageMaximumGcAge()));
            LOG.infof("image garbage collection: high threshold %d%%, low threshold %d%%, minimum age %s, maximum age %s",
                    p.highThresholdPercent(), p.lowThresholdPercent(), p.minAge(), p.maxAge());
            return p;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--image-gc-*: " + e.getMessage());
        }
    }

    /** The eviction flags, parsed (bad flags stop the kubelet with a clear message). */
    private io.kybernetes.kubelet.eviction.EvictionManager.Config evictionConfig() {
        var thresholds = io.kybernetes.kubelet.eviction.Thresholds.parse(config.evictionHard(),
                config.evictionSoft().orElse(""), config.evictionSoftGracePeriod().orElse(""),
                config.evictionMinimumReclaim().orElse(""));
        var transition = io.kybernetes.kubelet.eviction.Thresholds.goDuration(config.evictionPressureTransitionPeriod());
        var interval = io.kybernetes.kubelet.eviction.Thresholds.goDuration(config.housekeepingInterval());
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("--housekeeping-interval must be positive: " + config.housekeepingInterval());
        }
        if (config.evictionMaxPodGracePeriod() < 0) {
            throw new IllegalArgumentException("--eviction-max-pod-grace-period must not be negative");
        }
        LOG.infof("eviction thresholds: %s; pressure transition period %s", thresholds, transition);
        return new io.kybernetes.kubelet.eviction.EvictionManager.Config(thresholds, transition,
                config.evictionMaxPodGracePeriod());
    }

    void stop(@Observes ShutdownEvent ev) {
        stopping = true;
        if (hollow != null) {
            hollow.close();
        }
        if (kubelet != null) {
            kubelet.close();
        }
        if (cri != null) {
            cri.close();
        }
        if (client != null) {
            client.close();
        }
    }

    /** The node's name once the kubelet runs, else null. */
    public String nodeName() {
        Kubelet k = kubelet;
        return k == null ? null : k.nodeName();
    }

    /** The runtime client, or null before it exists. */
    public CriClient cri() {
        return cri;
    }

    /** The log finder, or null before the runtime connection exists. */
    public ContainerLogs containerLogs() {
        return logs;
    }

    public boolean agentEnabled() {
        return config.agentEnabled();
    }

    /** The runtime's version, or null when it does not answer. */
    public String runtimeVersion() {
        if (hollow != null) {
            return HollowKubelet.RUNTIME_VERSION;
        }
        if (cri == null) {
            return null;
        }
        try {
            var v = cri.version();
            return v.getRuntimeName() + "://" + v.getRuntimeVersion();
        } catch (RuntimeException e) {
            return null;
        }
    }

    public boolean podsSynced() {
        HollowKubelet h = hollow;
        if (h != null) {
            return h.podsSynced();
        }
        return kubelet != null && kubelet.podsSynced();
    }
}
