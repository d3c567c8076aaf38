package io.kybernetes.proxy.sync;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.proxy.ProxyConfig;
import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.Proxiers;
import io.kybernetes.proxy.conntrack.ConntrackCleanup;
import io.kybernetes.proxy.healthcheck.ServiceHealthServers;
import io.kybernetes.proxy.node.NodeAddresses;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServiceTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.vertx.core.Vertx;

/**
 * Watches Services and EndpointSlices (Endpoints where discovery.k8s.io/v1 is not served) with informers; every
 * change only requests a sync. The {@link SyncRunner} then reads the caches, builds the complete set of Service
 * ports and hands it to the {@link Proxier}: a full sync the first time, after a failure and once per sync period,
 * a partial one (only what changed) otherwise. Then stale UDP conntrack entries are cleared and the health check
 * node ports updated.
 */
@ApplicationScoped
public class ServiceWatcher {

    private static final Logger LOG = Logger.getLogger(ServiceWatcher.class);

    @Inject
    KubernetesClient client;

    @Inject
    ProxyConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private Proxier proxier;
    private SyncStatus status;
    private SyncRunner runner;
    private Timer syncDuration;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Endpoints> endpoints;
    private SharedIndexInformer<EndpointSlice> slices;
    private boolean useSlices;
    private String nodeName;
    private ConntrackCleanup conntrack;
    private ServiceHealthServers healthServers;
    private List<ServicePort> lastPorts = List.of();
    private long lastFullNanos;
    private boolean needFull = true;
    private String lastSummary = "";
    private volatile boolean stopping;
    private long startedNanos;

    void onStart(@Observes StartupEvent ev) {
        proxier = Proxiers.forConfig(config);
        nodeName = NodeAddresses.nodeName(config.hostnameOverride().orElse(null));
        conntrack = new ConntrackCleanup(io.kybernetes.proxy.exec.HostCommand.withPrefix(config.execPrefix().orElse("")).prefix());
        healthServers = config.healthCheckNodePorts() ? new ServiceHealthServers(vertx, "0.0.0.0") : null;
        status = new SyncStatus(Clock.systemUTC(), config.syncPeriod());
        syncDuration = Timer.builder("kubeproxy.sync.proxy.rules.duration")
                .description("how long one sync of the proxy rules took").register(registry);
        Gauge.builder("kubeproxy.sync.proxy.rules.last.timestamp.seconds", status,
                        s -> s.lastSuccess() == null ? 0 : s.lastSuccess().toEpochMilli() / 1000.0)
                .description("when the proxy rules were last written successfully").register(registry);
        Gauge.builder("kubeproxy.sync.proxy.rules.service.ports", status, SyncStatus::servicePorts)
                .description("service ports programmed in the last sync").register(registry);

        startedNanos = System.nanoTime();
        runner = new SyncRunner("proxy-sync", config.minSyncPeriod(), config.syncPeriod(), this::syncOnce);
        runner.start();
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                runner.request();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                runner.request();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                runner.request();
            }
        };
        useSlices = slicesServed();
        services = client.services().inAnyNamespace().runnableInformer(0);
        SharedIndexInformer<?> endpointInformer;
        if (useSlices) {
            slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
            endpointInformer = slices;
        } else {
            LOG.info("discovery.k8s.io/v1 EndpointSlices not served; using Endpoints");
            endpoints = client.endpoints().inAnyNamespace().runnableInformer(0);
            endpointInformer = endpoints;
        }
        for (SharedIndexInformer<?> informer : List.of(services, endpointInformer)) {
            informer.addEventHandler(onChange);
            informer.exceptionHandler((started, t) -> {
                LOG.warnf("watching %s failed, retrying: %s", informer.getApiTypeClass().getSimpleName(), t.getMessage());
                return true;
            });
            informer.start().whenComplete((ok, err) -> {
                if (err != null && !stopping) {
                    LOG.errorf("informer for %s stopped: %s", informer.getApiTypeClass().getSimpleName(), err.getMessage());
                } else {
                    runner.request();
                }
            });
        }
        LOG.infof("proxy started: mode %s, node %s, cluster CIDR %s, sync period %s, endpoints from %s, API from %s",
                config.proxyMode(), nodeName, config.clusterCidr(), config.syncPeriod(),
                useSlices ? "EndpointSlices" : "Endpoints", config.kubeconfig());
    }

    void onStop(@Observes ShutdownEvent ev) {
        stop();
    }

    /** Stops syncing and watching; the rules stay as they are. */
    public synchronized void stop() {
        stopping = true;
        if (runner != null) {
            runner.close();
            runner = null;
        }
        if (services != null) {
            services.stop();
        }
        if (slices != null) {
            slices.stop();
        }
        if (endpoints != null) {
            endpoints.stop();
        }
        if (healthServers != null) {
            healthServers.close();
        }
    }

    public SyncStatus status() {
        return status;
    }

    /** True unless the API server answers 404 for EndpointSlices (then the proxy uses Endpoints). */
    private boolean slicesServed() {
        for (int attempt = 0; ; attempt++) {
            try {
                client.discovery().v1().endpointSlices().inAnyNamespace().list(new ListOptionsBuilder().withLimit(1L).build());
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return false;
                }
                if (attempt >= 5 || stopping) {
                    LOG.warnf("cannot tell whether EndpointSlices are served (%s); assuming they are", e.getMessage());
                    return true;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
        }
    }

    /** One sync; false asks the runner to retry. */
    boolean syncOnce() {
        SharedIndexInformer<?> endpointInformer = useSlices ? slices : endpoints;
        if (!services.hasSynced() || !endpointInformer.hasSynced()) {
            if (System.nanoTime() - startedNanos > TimeUnit.SECONDS.toNanos(10)) {
                LOG.warnf("no Services and Endpoints from the API server yet (is it up? --kubeconfig %s); "
                        + "not touching the rules", config.kubeconfig());
            } else {
                LOG.debug("informers not synced yet; not touching the rules");
            }
            return true;
        }
        List<ServicePort> ports = ServiceTable.build(services.getStore().list(), useSlices
                ? ServiceTable.fromSlices(slices.getStore().list(), nodeName)
                : ServiceTable.fromEndpoints(endpoints.getStore().list(), nodeName));
        long start = System.nanoTime();
        boolean full = needFull || start - lastFullNanos >= config.syncPeriod().toNanos();
        try {
            proxier.sync(ports, full);
            if (full) {
                lastFullNanos = start;
                needFull = false;
            }
        } catch (Exception e) {
            needFull = true;
            status.failed(e.getMessage());
            LOG.warnf("syncing proxy rules failed (will retry): %s", e.getMessage());
            return false;
        } finally {
            syncDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        status.succeeded(ports.size());
        conntrack.apply(lastPorts, ports);
        lastPorts = ports;
        if (healthServers != null) {
            healthServers.update(ports);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String summary = String.format("%d service ports, %d with endpoints, %d endpoints", ports.size(),
                ports.stream().filter(p -> !p.endpoints().isEmpty()).count(),
                ports.stream().mapToInt(p -> p.endpoints().size()).sum());
        if (!summary.equals(lastSummary)) {
            LOG.infof("synced proxy rules: %s (%d ms)", summary, ms);
            lastSummary = summary;
        } else {
            LOG.debugf("synced proxy rules (%s): %d service ports (%d ms)", full ? "full" : "partial", ports.size(), ms);
        }
        return true;
    }
}
