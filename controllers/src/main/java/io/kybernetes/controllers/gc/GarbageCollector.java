package io.kybernetes.controllers.gc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/**
 * Deletes dependents whose owner references all point to owners that no longer exist (checked by uid, finally
 * against the API server, never from a cache alone), with propagationPolicy Background. Dependent kinds and
 * owner kinds are registrations: add a dependent informer, or an owner kind with its informer and live lookup.
 */
public final class GarbageCollector implements Reconciler {

    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
    public static final String NAME = "garbagecollector";

    /** A kind of dependent: its informer (with the owner-uid index) and how to delete one. */
    public record Dependent(String resource, SharedIndexInformer<? extends HasMetadata> informer,
            BiFunction<String, String, Boolean> delete) {
    }

    /** A kind of owner: cached lookup by namespace/name, and a live GET returning null when absent. */
    public record OwnerKind(SharedIndexInformer<? extends HasMetadata> informer,
            BiFunction<String, String, HasMetadata> get) {
    }

    private final KubernetesClient client;
    private final Map<String, Dependent> dependents = new LinkedHashMap<>();
    private final Map<String, OwnerKind> owners = new LinkedHashMap<>();
    private final QueueController queue;

    public GarbageCollector(KubernetesClient client, int workers) {
        this.client = client;
        this.queue = new QueueController(NAME, this, workers);
    }

    /** The registrations for the built-in workload kinds, restricted to {@code dependentResources}. */
    public static GarbageCollector standard(KubernetesClient client, Informers informers,
            List<String> dependentResources, int workers) {
        GarbageCollector gc = new GarbageCollector(client, workers);
        gc.owner("apps/v1", "Deployment", informers.deployments,
                (ns, n) -> client.apps().deployments().inNamespace(ns).withName(n).get());
        gc.owner("apps/v1", "ReplicaSet", informers.replicaSets,
                (ns, n) -> client.apps().replicaSets().inNamespace(ns).withName(n).get());
        for (String r : dependentResources) {
            switch (r.trim()) {
                case "pods" -> gc.dependent("pods", informers.pods, (ns, n) -> !client.pods().inNamespace(ns)
                        .withName(n).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty());
                case "replicasets" -> gc.dependent("replicasets", informers.replicaSets, (ns, n) -> !client.apps()
                        .replicaSets().inNamespace(ns).withName(n)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty());
                default -> throw new IllegalArgumentException("garbage collector: unknown dependent resource " + r);
            }
        }
        return gc;
    }

    public QueueController queue() {
        return queue;
    }

    public void owner(String apiVersion, String kind, SharedIndexInformer<? extends HasMetadata> informer,
            BiFunction<String, String, HasMetadata> get) {
        owners.put(apiVersion + "/" + kind, new OwnerKind(informer, get));
        informer.addEventHandler(new ResourceEventHandler<HasMetadata>() {
            @Override
            public void onAdd(HasMetadata obj) {
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            }

            @Override
            public void onDelete(HasMetadata owner, boolean unknown) {
                enqueueDependentsOf(owner.getMetadata().getUid());
            }
        });
    }

    public void dependent(String resource, SharedIndexInformer<? extends HasMetadata> informer,
            BiFunction<String, String, Boolean> delete) {
        dependents.put(resource, new Dependent(resource, informer, delete));
        informer.addEventHandler(queue.handler((HasMetadata o) -> hasOwners(o)
                ? List.of(resource + "|" + QueueController.key(o)) : List.of()));
    }

    private void enqueueDependentsOf(String uid) {
        for (Dependent d : dependents.values()) {
            for (HasMetadata o : d.informer().getIndexer().byIndex(Informers.BY_OWNER_UID, uid)) {
                queue.enqueue(d.resource() + "|" + QueueController.key(o));
            }
        }
    }

    private static boolean hasOwners(HasMetadata o) {
        return o.getMetadata().getOwnerReferences() != null && !o.getMetadata().getOwnerReferences().isEmpty();
    }

    @Override
    public Result reconcile(String key) {
        int bar = key.indexOf('|');
        Dependent dep = dependents.get(key.substring(0, bar));
        String nsName = key.substring(bar + 1);
        HasMetadata obj = dep.informer().getIndexer().getByKey(nsName);
        if (obj == null || obj.getMetadata().getDeletionTimestamp() != null || !hasOwners(obj)) {
            return Result.done();
        }
        String ns = obj.getMetadata().getNamespace();
        List<String> absent = new ArrayList<>();
        for (OwnerReference ref : obj.getMetadata().getOwnerReferences()) {
            if (ownerExists(ns, ref)) {
                return Result.done();
            }
            absent.add(ref.getKind() + " " + ref.getName() + " (uid " + ref.getUid() + ")");
        }
        LOG.infof("deleting %s %s: all owners are gone: %s", dep.resource(), nsName, String.join(", ", absent));
        try {
            dep.delete().apply(ns, obj.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        return Result.done();
    }

    /** True unless the API server confirms the owner (that uid) is absent. */
    boolean ownerExists(String ns, OwnerReference ref) {
        OwnerKind kind = owners.get(ref.getApiVersion() + "/" + ref.getKind());
        if (kind != null) {
            HasMetadata cached = kind.informer().getIndexer().getByKey(ns + "/" + ref.getName());
            if (cached != null && ref.getUid().equals(cached.getMetadata().getUid())) {
                return true;
            }
        }
        try {
            HasMetadata live = kind != null ? kind.get().apply(ns, ref.getName())
                    : client.genericKubernetesResources(ref.getApiVersion(), ref.getKind()).inNamespace(ns)
                            .withName(ref.getName()).get();
            return live != null && ref.getUid().equals(live.getMetadata().getUid());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            LOG.debugf("cannot look up owner %s %s/%s: %s", ref.getKind(), ns, ref.getName(), e.getMessage());
            return true;
        }
    }
}
