package io.kybernetes.dns.watch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.dns.zone.ClusterState;
import io.kybernetes.dns.zone.ClusterZone;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Informers on Services, Endpoints and (when the API serves them) EndpointSlices. Every event only asks for a
 * rebuild; one thread rebuilds the {@link ClusterState} snapshot from the informer caches, so a burst of events
 * costs one rebuild and queries always read a consistent, immutable snapshot.
 */
@ApplicationScoped
public class ClusterWatcher {

    private static final Logger LOG = Logger.getLogger(ClusterWatcher.class);

    @Inject
    KubernetesClient client;

    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
    private ExecutorService rebuilder;
    private volatile SharedIndexInformer<Service> services;
    private volatile SharedIndexInformer<Endpoints> endpoints;
    private volatile SharedIndexInformer<EndpointSlice> slices;
    private volatile ClusterState state = ClusterState.EMPTY;
    private volatile boolean synced;
    private volatile boolean stopping;
    private ClusterZone zone;

    /**
     * Starts watching in the background (the API may not answer yet: DNS serves pod records and forwards meanwhile,
     * and readiness waits for {@link #synced()}). The snapshot's PTR targets are names under {@code zone}.
     */
    public synchronized void start(ClusterZone zone, String endpointSlices) {
        this.zone = zone;
        rebuilder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dns-state");
            t.setDaemon(true);
            return t;
        });
        Thread starter = new Thread(() -> startInformers(endpointSlices), "dns-watch-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startInformers(String endpointSlices) {
        boolean watchSlices;
        if ("auto".equals(endpointSlices)) {
            Boolean served = null;
            for (int attempt = 0; served == null && !stopping; attempt++) {
                served = slicesServed(attempt);
            }
            if (stopping) {
                return;
            }
            watchSlices = served;
        } else {
            watchSlices = Boolean.parseBoolean(endpointSlices);
        }
        SharedIndexInformer<Service> svcInformer = client.services().inAnyNamespace().runnableInformer(0);
        endpoints = client.endpoints().inAnyNamespace().runnableInformer(0);
        informers.add(svcInformer);
        informers.add(endpoints);
        if (watchSlices) {
            slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
            informers.add(slices);
        }
        services = svcInformer; // last: rebuild() starts reading once this is set
        if (!watchSlices) {
            LOG.infof("not watching EndpointSlices (--endpoint-slices %s, or the API does not serve "
                    + "discovery.k8s.io/v1): using Endpoints only", endpointSlices);
        }
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                requestRebuild();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                requestRebuild();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                requestRebuild();
            }
        };
        for (SharedIndexInformer<?> informer : informers) {
            informer.addEventHandler(onChange);
            informer.exceptionHandler((started, t) -> {
                LOG.warnf("watching %s failed, retrying: %s", informer.getApiTypeClass().getSimpleName(), t.getMessage());
                return true;
            });
            informer.start().whenComplete((ok, err) -> {
                if (err != null && !stopping) {
                    LOG.errorf("informer for %s stopped: %s", informer.getApiTypeClass().getSimpleName(), err.getMessage());
                } else {
                    requestRebuild();
                }
            });
        }
        if (stopping) {
            informers.forEach(SharedIndexInformer::stop);
        }
    }

    /** Whether the API serves EndpointSlices; null (after a pause) when it cannot be asked yet. */
    private Boolean slicesServed(int attempt) {
        try {
            return client.supports(EndpointSlice.class);
        } catch (RuntimeException e) {
            if (attempt % 10 == 0) {
                LOG.warnf("cannot reach the API server (%s), retrying: %s", client.getMasterUrl(), e.getMessage());
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
            return null;
        }
    }

    void requestRebuild() {
        if (rebuildPending.compareAndSet(false, true) && !stopping) {
            rebuilder.execute(this::rebuild);
        }
    }

    private void rebuild() {
        rebuildPending.set(false);
        if (services == null) {
            return;
        }
        try {
            boolean allSynced = informers.stream().allMatch(SharedIndexInformer::hasSynced);
            ClusterState next = new ClusterState(ServiceRecords.build(services.getStore().list(),
                    slices == null ? List.of() : slices.getStore().list(), endpoints.getStore().list()), zone.zone());
            state = next;
            if (allSynced && !synced) {
                synced = true;
                LOG.infof("cluster DNS records ready: %d services", next.size());
            } else {
                LOG.debugf("rebuilt cluster DNS records: %d services", next.size());
            }
        } catch (RuntimeException e) {
            LOG.warnf("rebuilding the DNS records failed (keeping the previous ones): %s", e.toString());
        }
    }

    /** The newest snapshot. */
    public ClusterState state() {
        return state;
    }

    /** Whether EndpointSlices are watched (decided once the API answered discovery). */
    public boolean watchingSlices() {
        return slices != null;
    }

    /** True once every informer has listed and the snapshot holds their objects. */
    public boolean synced() {
        return synced;
    }

    public void stop() {
        stopping = true;
        informers.forEach(SharedIndexInformer::stop);
        if (rebuilder != null) {
            rebuilder.shutdownNow();
        }
    }
}
