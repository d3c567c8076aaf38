package io.kybernetes.controllers.informers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The shared informers every controller reads from (one watch per resource for the whole process), each with an
 * index of dependents by owner uid. Controllers ask for the informers they need with {@link #of} before
 * {@link #start}; a controller starts once its own informers have synced, so a kind the API server does not serve
 * (yet) holds back only the controllers that need it.
 */
public final class Informers {

    private static final Logger LOG = Logger.getLogger(Informers.class);
    public static final String BY_OWNER_UID = "byOwnerUid";

    private final KubernetesClient client;
    public final SharedIndexInformer<Pod> pods;
    public final SharedIndexInformer<ReplicaSet> replicaSets;
    public final SharedIndexInformer<Deployment> deployments;
    public final SharedIndexInformer<Service> services;
    public final SharedIndexInformer<Endpoints> endpoints;
    private final Map<Class<?>, SharedIndexInformer<?>> byType = new LinkedHashMap<>();
    private final Map<SharedIndexInformer<?>, CompletableFuture<Void>> started = new ConcurrentHashMap<>();
    /** Informers whose list answered 404: the API server does not serve the kind. */
    private final Set<SharedIndexInformer<?>> unserved = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public Informers(KubernetesClient client) {
        this.client = client;
        pods = of(Pod.class);
        replicaSets = of(ReplicaSet.class);
        deployments = of(Deployment.class);
        services = of(Service.class);
        endpoints = of(Endpoints.class);
    }

    /** The shared informer of {@code type} (created on first use; must be before {@link #start}). */
    @SuppressWarnings("unchecked")
    public synchronized <T extends HasMetadata> SharedIndexInformer<T> of(Class<T> type) {
        SharedIndexInformer<T> i = (SharedIndexInformer<T>) byType.get(type);
        if (i == null) {
            i = add(client.resources(type).inAnyNamespace().runnableInformer(0));
            byType.put(type, i);
        }
        return i;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
        Function<T, List<String>> owners = o -> o.getMetadata().getOwnerReferences() == null ? List.of()
                : o.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid).toList();
        informer.addIndexers(Map.of(BY_OWNER_UID, owners));
        informer.exceptionHandler((isStarted, t) -> {
            if (!isStarted && t instanceof KubernetesClientException e && e.getCode() == 404
                    && unserved.add(informer)) {
                LOG.warnf("the API server does not serve %s (yet): controllers that need it wait",
                        informer.getApiTypeClass().getSimpleName());
            }
            LOG.debugf("%s watch failed (%s), retrying", informer.getApiTypeClass().getSimpleName(), t.getMessage());
            return true;
        });
        return informer;
    }

    /** Starts every informer; the future completes once all have listed (synced) their resources. */
    public synchronized CompletableFuture<Void> start() {
        return synced(byType.values());
    }

    /** Starts the given informers (if not yet started); completes once all of them have synced. */
    public synchronized CompletableFuture<Void> synced(Collection<? extends SharedIndexInformer<?>> informers) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (SharedIndexInformer<?> i : informers) {
            fs.add(started.computeIfAbsent(i, x -> x.start().toCompletableFuture().thenApply(v -> {
                unserved.remove(x);
                return null;
            })));
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
    }

    public synchronized void stop() {
        stopped = true;
        byType.values().forEach(SharedIndexInformer::stop);
    }

    public boolean stopped() {
        return stopped;
    }

    /** Every informer has synced, except those of kinds the API server does not serve. */
    public synchronized boolean hasSynced() {
        return byType.values().stream().allMatch(i -> i.hasSynced() || unserved.contains(i));
    }
}
