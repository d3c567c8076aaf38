package io.kybernetes.controllers.informers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The shared informers every controller reads from (one watch per resource for the whole process), with an
 * index of dependents by owner uid. Controllers add their handlers before {@link #start}.
 */
public final class Informers {

    private static final Logger LOG = Logger.getLogger(Informers.class);
    public static final String BY_OWNER_UID = "byOwnerUid";

    public final SharedIndexInformer<Pod> pods;
    public final SharedIndexInformer<ReplicaSet> replicaSets;
    public final SharedIndexInformer<Deployment> deployments;
    public final SharedIndexInformer<Service> services;
    public final SharedIndexInformer<Endpoints> endpoints;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();
    private volatile boolean stopped;

    public Informers(KubernetesClient client) {
        pods = add(client.pods().inAnyNamespace().runnableInformer(0), true);
        replicaSets = add(client.apps().replicaSets().inAnyNamespace().runnableInformer(0), true);
        deployments = add(client.apps().deployments().inAnyNamespace().runnableInformer(0), false);
        services = add(client.services().inAnyNamespace().runnableInformer(0), false);
        endpoints = add(client.endpoints().inAnyNamespace().runnableInformer(0), false);
    }

    private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer, boolean ownerIndex) {
        if (ownerIndex) {
            Function<T, List<String>> owners = o -> o.getMetadata().getOwnerReferences() == null ? List.of()
                    : o.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid).toList();
            informer.addIndexers(Map.of(BY_OWNER_UID, owners));
        }
        informer.exceptionHandler((started, t) -> {
            LOG.debugf("%s watch failed (%s), retrying", informer.getApiTypeClass().getSimpleName(), t.getMessage());
            return true;
        });
        all.add(informer);
        return informer;
    }

    /** Starts every informer; the future completes once all have listed (synced) their resources. */
    public CompletableFuture<Void> start() {
        return CompletableFuture.allOf(all.stream().map(i -> i.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    public void stop() {
        stopped = true;
        all.forEach(SharedIndexInformer::stop);
    }

    public boolean stopped() {
        return stopped;
    }

    public boolean hasSynced() {
        return all.stream().allMatch(SharedIndexInformer::hasSynced);
    }
}
