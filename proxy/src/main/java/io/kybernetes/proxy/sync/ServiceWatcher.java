package io.kybernetes.proxy.sync;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.proxy.ProxyConfig;
import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.Proxiers;
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

/**
 * Watches Services and Endpoints with informers; every change only requests a sync. The {@link SyncRunner}
 * then reads both caches, builds the complete set of Service ports and hands it to the {@link Proxier}.
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

    private Proxier proxier;
    private SyncStatus status;
    private SyncRunner runner;
    private Timer syncDuration;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Endpoints> endpoints;
    private String lastSummary = "";
    private volatile boolean stopping;
    private long startedNanos;

    void onStart(@Observes StartupEvent ev) {
        proxier = Proxiers.forConfig(config);
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
        services = client.services().inAnyNamespace().runnableInformer(0);
        endpoints = client.endpoints().inAnyNamespace().runnableInformer(0);
        for (SharedIndexInformer<?> informer : List.of(services, endpoints)) {
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
        LOG.infof("proxy started: mode %s, cluster CIDR %s, sync period %s, API from %s", config.proxyMode(),
                config.clusterCidr(), config.syncPeriod(), config.kubeconfig());
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
            endpoints.stop();
        }
    }

    public SyncStatus status() {
        return status;
    }

    /** One sync; false asks the runner to retry. */
    boolean syncOnce() {
        if (!services.hasSynced() || !endpoints.hasSynced()) {
            if (System.nanoTime() - startedNanos > TimeUnit.SECONDS.toNanos(10)) {
                LOG.warnf("no Services and Endpoints from the API server yet (is it up? --kubeconfig %s); "
                        + "not touching the rules", config.kubeconfig());
            } else {
                LOG.debug("informers not synced yet; not touching the rules");
            }
            return true;
        }
        List<ServicePort> ports = ServiceTable.build(services.getStore().list(), endpoints.getStore().list());
        long start = System.nanoTime();
        try {
            proxier.sync(ports);
        } catch (Exception e) {
            status.failed(e.getMessage());
            LOG.warnf("syncing proxy rules failed (will retry): %s", e.getMessage());
            return false;
        } finally {
            syncDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        status.succeeded(ports.size());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String summary = String.format("%d service ports, %d with endpoints, %d endpoints", ports.size(),
                ports.stream().filter(p -> !p.endpoints().isEmpty()).count(),
                ports.stream().mapToInt(p -> p.endpoints().size()).sum());
        if (!summary.equals(lastSummary)) {
            LOG.infof("synced proxy rules: %s (%d ms)", summary, ms);
            lastSummary = summary;
        } else {
            LOG.debugf("synced proxy rules: %d service ports (%d ms)", ports.size(), ms);
        }
        return true;
    }
}
