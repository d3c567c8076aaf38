package io.kybernetes.controllers;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.kybernetes.controllers.deployment.DeploymentController;
import io.kybernetes.controllers.deployment.KubeReplicaSetControl;
import io.kybernetes.controllers.endpoints.EndpointsController;
import io.kybernetes.controllers.gc.GarbageCollector;
import io.kybernetes.controllers.hpa.HorizontalPodAutoscalerController;
import io.kybernetes.controllers.hpa.KubeAutoscalerClient;
import io.kybernetes.controllers.bootstrap.BootstrapSigner;
import io.kybernetes.controllers.bootstrap.TokenCleaner;
import io.kybernetes.controllers.certificates.ClusterSigning;
import io.kybernetes.controllers.certificates.CsrApprovingController;
import io.kybernetes.controllers.certificates.CsrSigningController;
import io.kybernetes.controllers.certificates.KubeCsrApi;
import io.kybernetes.controllers.cronjob.CronJobController;
import io.kybernetes.controllers.cronjob.KubeCronJobControl;
import io.kybernetes.controllers.daemonset.DaemonSetController;
import io.kybernetes.controllers.discovery.KubeResourceDiscovery;
import io.kybernetes.controllers.disruption.DisruptionController;
import io.kybernetes.controllers.endpointslice.EndpointSliceController;
import io.kybernetes.controllers.namespace.NamespaceController;
import io.kybernetes.controllers.nodeipam.RangeAllocator;
import io.kybernetes.controllers.nodelifecycle.NodeLifecycleController;
import io.kybernetes.controllers.events.KubeEventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.job.JobController;
import io.kybernetes.controllers.job.KubeJobControl;
import io.kybernetes.controllers.leaderelection.LeaderElection;
import io.kybernetes.controllers.leaderelection.LeaseSettings;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.replicaset.KubePodControl;
import io.kybernetes.controllers.replicaset.ReplicaSetController;
import io.kybernetes.controllers.replicationcontroller.ReplicationControllers;
import io.kybernetes.controllers.rootca.RootCaPublisher;
import io.kybernetes.controllers.serviceaccount.ServiceAccountController;
import io.kybernetes.controllers.statefulset.StatefulSetController;
import io.kybernetes.controllers.volume.binder.PersistentVolumeBinder;
import io.kybernetes.controllers.volume.provisioner.LocalPathProvisioner;
import io.kybernetes.controllers.volume.protection.PvProtectionController;
import io.kybernetes.controllers.volume.protection.PvcProtectionController;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Starts the shared informers and the enabled controllers, by default only while this instance holds the Lease
 * kube-system/kube-controller-manager (see {@link LeaderElection}); ready once the informers have synced, or, on a
 * standby, once it knows the leader.
 */
@ApplicationScoped
@Readiness
public class ControllerManager implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(ControllerManager.class);

    @Inject
    KubernetesClient client;
    @Inject
    ControllersConfig config;
    @Inject
    MeterRegistry registry;

    static final List<String> KNOWN = List.of(DeploymentController.NAME, ReplicaSetController.NAME,
            EndpointsController.NAME, GarbageCollector.NAME, JobController.NAME, CronJobController.NAME,
            EndpointSliceController.NAME, NamespaceController.NAME, DaemonSetController.NAME,
            StatefulSetController.NAME, ServiceAccountController.NAME,
            NodeLifecycleController.NAME, ReplicationControllers.NAME, HorizontalPodAutoscalerController.NAME,
            DisruptionController.NAME, RangeAllocator.NAME,
            PersistentVolumeBinder.NAME, PvcProtectionController.NAME, PvProtectionController.NAME,
            CsrSigningController.NAME, CsrApprovingController.NAME, RootCaPublisher.NAME, BootstrapSigner.NAME,
            TokenCleaner.NAME);

    /** The HPA controller's settings (upstream's --horizontal-pod-autoscaler-* flags). */
    public record HpaSettings(java.time.Duration syncPeriod, double tolerance,
            java.time.Duration downscaleStabilization) {
        public static final HpaSettings DEFAULT = new HpaSettings(java.time.Duration.ofSeconds(15), 0.1,
                java.time.Duration.ofMinutes(5));
    }

    /** The storage controllers' settings: the local-path provisioner's base directory and helper pod image. */
    public record StorageSettings(String localPathDir, String helperImage) {
        public static final StorageSettings DEFAULT = new StorageSettings("/var/lib/kybernetes/local-path",
                "docker.io/library/busybox:latest");
    }

    private volatile Running running;
    private LeaderElection election;

    /** The informers and controllers of one running manager. */
    public record Running(Informers informers, List<QueueController> controllers) {
        public void stop() {
            controllers.forEach(QueueController::stop);
            informers.stop();
        }
    }

    void onStart(@Observes StartupEvent ev) {
        validate(config.controllers());
        for (String name : KNOWN) {
            if (isEnabled(name, config.controllers())) {
                Gauge.builder("workqueue_depth", this, m -> m.queue(name, QueueController::depth))
                        .tag("name", name).description("Current depth of the work queue").register(registry);
                FunctionCounter.builder("workqueue_retries_total", this, m -> m.queue(name, QueueController::retries))
                        .tag("name", name).description("Retries handled by the work queue").register(registry);
            }
        }
        LeaseSettings lease = leaseSettings(config);
        RangeAllocator.Settings ipam = ipamSettings(config);
        if (ipam.allocateNodeCidrs()) {
            ipam.cidrs(); // a bad --cluster-cidr or --node-cidr-mask-size fails the start, not the first term
        }
        ClusterSigning signing = signingSettings(config);
        if (signing.enabled() || config.clusterSigningKeyFile().isPresent()) {
            signing.ca(); // unreadable or mismatched signing files fail the start too
        }
        Gauge.builder("leader_election_master_status", this, m -> m.running != null ? 1 : 0)
                .tag("name", lease.name()).description("1 while this instance leads and runs the controllers")
                .register(registry);
        if (!config.leaderElect()) {
            startControllers();
            return;
        }
        election = new LeaderElection(client, lease, this::startControllers, this::stopControllers);
        election.start();
        LOG.infof("campaigning for Lease %s as %s", lease, election.identity());
    }

    static LeaseSettings leaseSettings(ControllersConfig config) {
        if (!config.leaderElectResourceLock().equals("leases")) {
            throw new IllegalArgumentException("--leader-elect-resource-lock=" + config.leaderElectResourceLock()
                    + " is not supported: only leases");
        }
        return new LeaseSettings(config.leaderElectResourceNamespace(), config.leaderElectResourceName(),
                LeaseSettings.parseDuration(config.leaderElectLeaseDuration()),
                LeaseSettings.parseDuration(config.leaderElectRenewDeadline()),
                LeaseSettings.parseDuration(config.leaderElectRetryPeriod()));
    }

    static RangeAllocator.Settings ipamSettings(ControllersConfig config) {
        return new RangeAllocator.Settings(config.allocateNodeCidrs(), config.clusterCidr().orElse(""),
                config.nodeCidrMaskSize(), config.serviceClusterIpRange().orElse(""));
    }

    static ClusterSigning signingSettings(ControllersConfig config) {
        return new ClusterSigning(config.clusterSigningCertFile().orElse(null),
                config.clusterSigningKeyFile().orElse(null),
                LeaseSettings.parseDuration(config.clusterSigningDuration()));
    }

    /**
     * What the bootstrapsigner writes into a missing cluster-info: --cluster-info-server (default: the server of
     * --kubeconfig) and the --root-ca-file bundle; null (never create it) without a root CA.
     */
    static BootstrapSigner.ClusterInfo clusterInfo(ControllersConfig config, String rootCa, KubernetesClient client) {
        if (rootCa == null) {
            return null;
        }
        String server = config.clusterInfoServer().filter(s -> !s.isBlank())
                .orElse(client.getConfiguration().getMasterUrl()).replaceAll("/+$", "");
        return new BootstrapSigner.ClusterInfo(server, rootCa);
    }

    private synchronized void startControllers() {
        if (running == null) {
            String rootCa = config.rootCaFile().filter(f -> !f.isBlank()).map(RootCaPublisher::read).orElse(null);
            running = start(client, config.controllers(), config.workers(), config.gc().dependents(),
                    new HpaSettings(config.horizontalPodAutoscalerSyncPeriod(),
                            config.horizontalPodAutoscalerTolerance(),
                            config.horizontalPodAutoscalerDownscaleStabilization()), ipamSettings(config),
                    new StorageSettings(config.localPathDir(), config.localPathHelperImage()),
                    signingSettings(config), rootCa, clusterInfo(config, rootCa, client));
            LOG.infof("controllers %s started against %s", running.controllers().stream()
                    .map(QueueController::name).toList(), client.getConfiguration().getMasterUrl());
        }
    }

    private synchronized void stopControllers() {
        if (running != null) {
            running.stop();
            running = null;
            LOG.info("controllers stopped");
        }
    }

    private double queue(String name, java.util.function.ToDoubleFunction<QueueController> value) {
        Running r = running;
        if (r != null) {
            for (QueueController c : r.controllers()) {
                if (c.name().equals(name)) {
                    return value.applyAsDouble(c);
                }
            }
        }
        return 0;
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (election != null) {
            election.stop();
        }
        stopControllers();
    }

    static void validate(List<String> enabled) {
        for (String name : enabled) {
            String n = name.trim().startsWith("-") ? name.trim().substring(1) : name.trim();
            if (!n.equals("*") && !KNOWN.contains(n)) {
                throw new IllegalArgumentException("unknown controller \"" + n + "\"; known: " + KNOWN);
            }
        }
    }

    /** Builds and starts the controllers selected by {@code enabled} (upstream --controllers syntax). */
    public static Running start(KubernetesClient client, List<String> enabled, int workers,
            List<String> gcDependents) {
        return start(client, enabled, workers, gcDependents, HpaSettings.DEFAULT);
    }

    public static Running start(KubernetesClient client, List<String> enabled, int workers,
            List<String> gcDependents, HpaSettings hpa) {
        return start(client, enabled, workers, gcDependents, hpa, RangeAllocator.Settings.DISABLED,
                StorageSettings.DEFAULT);
    }

    public static Running start(KubernetesClient client, List<String> enabled, int workers,
            List<String> gcDependents, HpaSettings hpa, RangeAllocator.Settings ipam, StorageSettings storage) {
        return start(client, enabled, workers, gcDependents, hpa, ipam, storage, ClusterSigning.DISABLED,
                null);
    }

    /**
     * As above, with the CSR signer's CA ({@link ClusterSigning#DISABLED}: neither signer nor approver runs) and the
     * root CA bundle to publish in every namespace ({@code rootCa} null: not published).
     */
    public static Running start(KubernetesClient client, List<String> enabled, int workers,
            List<String> gcDependents, HpaSettings hpa, RangeAllocator.Settings ipam, StorageSettings storage,
            ClusterSigning signing, String rootCa) {
        return start(client, enabled, workers, gcDependents, hpa, ipam, storage, signing, rootCa, null);
    }

    /**
     * As above, with what the bootstrapsigner puts into ConfigMap kube-public/cluster-info when it is missing
     * ({@code clusterInfo} null: it only signs an existing one).
     */
    public static Running start(KubernetesClient client, List<String> enabled, int workers,
            List<String> gcDependents, HpaSettings hpa, RangeAllocator.Settings ipam, StorageSettings storage,
            ClusterSigning signing, String rootCa, BootstrapSigner.ClusterInfo clusterInfo) {
        validate(enabled);
        Informers informers = new Informers(client);
        Map<String, Supplier<QueueController>> known = new LinkedHashMap<>();
        known.put(DeploymentController.NAME, () -> new DeploymentController(informers,
                new KubeReplicaSetControl(client), Clock.systemUTC(), workers).queue());
        known.put(ReplicaSetController.NAME, () -> new ReplicaSetController(informers, new KubePodControl(client),
                Clock.systemUTC(), workers).queue());
        known.put(EndpointsController.NAME, () -> new EndpointsController(informers, client, workers).queue());
        known.put(JobController.NAME, () -> new JobController(informers, new KubeJobControl(client),
                Clock.systemUTC(), workers).queue());
        known.put(CronJobController.NAME, () -> new CronJobController(informers, new KubeCronJobControl(client),
                new KubeEventRecorder(client, "cronjob-controller", Clock.systemUTC()), Clock.systemUTC(), workers)
                .queue());
        known.put(EndpointSliceController.NAME, () -> new EndpointSliceController(informers, client, workers)
                .queue());
        known.put(NamespaceController.NAME, () -> new NamespaceController(informers, client,
                new KubeResourceDiscovery(client), Clock.systemUTC(), workers).queue());
        known.put(DaemonSetController.NAME, () -> new DaemonSetController(informers, client,
                new KubePodControl(client), Clock.systemUTC(), workers).queue());
        known.put(StatefulSetController.NAME, () -> new StatefulSetController(informers, client,
                new KubePodControl(client), Clock.systemUTC(), workers).queue());
        known.put(ServiceAccountController.NAME, () -> new ServiceAccountController(informers, client, workers)
                .queue());
        known.put(NodeLifecycleController.NAME, () -> new NodeLifecycleController(informers, client,
                Clock.systemUTC(), workers).queue());
        known.put(ReplicationControllers.NAME, () -> ReplicationControllers.start(informers, client,
                Clock.systemUTC(), workers));
        known.put(HorizontalPodAutoscalerController.NAME, () -> new HorizontalPodAutoscalerController(informers,
                new KubeAutoscalerClient(client), new KubeEventRecorder(client, "horizontal-pod-autoscaler",
                        Clock.systemUTC()), Clock.systemUTC(), hpa.syncPeriod(), hpa.tolerance(),
                hpa.downscaleStabilization(), workers).queue());
        known.put(DisruptionController.NAME, () -> new DisruptionController(informers, client,
                new KubeEventRecorder(client, "controllermanager", Clock.systemUTC()), Clock.systemUTC(), workers)
                .queue());
        if (ipam.allocateNodeCidrs()) { // as upstream, the node IPAM controller runs only with --allocate-node-cidrs
            known.put(RangeAllocator.NAME, () -> new RangeAllocator(informers, client,
                    new KubeEventRecorder(client, "cidrAllocator", Clock.systemUTC()), ipam.cidrs(), workers).queue());
        }
        if (signing.enabled()) { // the CSR signer and approver run only with the signing CA's files
            known.put(CsrSigningController.NAME, () -> new CsrSigningController(informers, new KubeCsrApi(client),
                    signing.ca(), signing.duration(), Clock.systemUTC(), workers).queue());
            known.put(CsrApprovingController.NAME, () -> new CsrApprovingController(informers,
                    new KubeCsrApi(client), Clock.systemUTC(), workers).queue());
        }
        if (rootCa != null) { // as upstream, the publisher runs only with --root-ca-file
            known.put(RootCaPublisher.NAME, () -> new RootCaPublisher(informers, client, rootCa, workers).queue());
        }
        known.put(BootstrapSigner.NAME, () -> new BootstrapSigner(informers, client, clusterInfo, Clock.systemUTC(),
                workers).queue());
        known.put(TokenCleaner.NAME, () -> new TokenCleaner(informers, client, Clock.systemUTC(), workers).queue());
        known.put(PersistentVolumeBinder.NAME, () -> new PersistentVolumeBinder(informers, client,
                new KubeEventRecorder(client, "persistentvolume-controller", Clock.systemUTC()),
                List.of(new LocalPathProvisioner(client, informers.pods.getIndexer(), storage.localPathDir(),
                        storage.helperImage())), workers).queue());
        known.put(PvcProtectionController.NAME, () -> new PvcProtectionController(informers, client, workers).queue());
        known.put(PvProtectionController.NAME, () -> new PvProtectionController(informers, client, workers).queue());
        known.put(GarbageCollector.NAME, () -> {
            GarbageCollector gc = GarbageCollector.standard(client, informers, gcDependents, workers);
            if (isEnabled(DaemonSetController.NAME, enabled) || isEnabled(StatefulSetController.NAME, enabled)) {
                GarbageCollector.workloadOwners(gc, informers);
            }
            if (isEnabled(ReplicationControllers.NAME, enabled)) {
                gc.owner("v1", "ReplicationController", informers.of(ReplicationController.class),
                        ReplicationController.class);
            }
            gc.owner("v1", "Service", informers.services, Service.class);
            return gc.queue();
        });
        List<QueueController> controllers = new ArrayList<>();
        for (Map.Entry<String, Supplier<QueueController>> e : known.entrySet()) {
            if (isEnabled(e.getKey(), enabled)) {
                controllers.add(e.getValue().get());
            }
        }
        // Workers start only once their caches are complete: a partial cache would make them create extra
        // objects. A controller needing a kind the API server does not serve waits; the others run.
        List<SharedIndexInformer<?>> core = List.of(informers.pods, informers.replicaSets, informers.deployments,
                informers.services, informers.endpoints);
        for (QueueController c : controllers) {
            informers.synced(c.informers().isEmpty() ? core : c.informers()).whenComplete((v, t) -> {
                if (t != null) {
                    if (!informers.stopped()) {
                        LOG.errorf("informers of %s failed to start: %s", c.name(), t.getMessage());
                    }
                    return;
                }
                if (!informers.stopped()) {
                    c.start();
                }
            });
        }
        return new Running(informers, controllers);
    }

    static boolean isEnabled(String name, List<String> enabled) {
        boolean star = false;
        for (String e : enabled) {
            String s = e.trim();
            if (s.equals(name)) {
                return true;
            }
            if (s.equals("-" + name)) {
                return false;
            }
            star |= s.equals("*");
        }
        return star;
    }

    /**
     * Ready when the leader's informers have synced, or, on a standby, once it has seen who leads: a standby is a
     * healthy replica waiting for the Lease.
     */
    @Override
    public HealthCheckResponse call() {
        Running r = running;
        LeaderElection e = election;
        boolean ready = r != null ? r.informers().hasSynced() : e != null && e.leader() != null;
        var response = HealthCheckResponse.named("informers").status(ready).withData("leading", r != null);
        if (e != null) {
            response.withData("identity", e.identity()).withData("leader", String.valueOf(e.leader()));
        }
        return response.build();
    }
}
