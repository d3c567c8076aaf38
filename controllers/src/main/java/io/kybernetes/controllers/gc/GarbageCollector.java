package io.kybernetes.controllers.gc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/**
 * The garbage collector, with the three propagation policies. Background: dependents whose owner references all
 * point to owners that no longer exist (checked by uid, finally against the API server, never from a cache alone)
 * are deleted. Orphan: an owner being deleted with finalizer {@code orphan} has its references removed from its
 * dependents, then the finalizer. Foreground: an owner being deleted with finalizer {@code foregroundDeletion} has
 * its dependents deleted (those with blockOwnerDeletion in the foreground too), and loses the finalizer once no
 * blocking dependent is left. Dependent and owner kinds are registrations.
 */
public final class GarbageCollector implements Reconciler {

    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
    public static final String NAME = "garbagecollector";
    public static final String ORPHAN = "orphan";
    public static final String FOREGROUND = "foregroundDeletion";
    static final Duration RECHECK = Duration.ofSeconds(1);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final String OWNER_PREFIX = "owner|";

    /** A kind of dependent: its informer (with the owner-uid index) and its type for writes. */
    public record Dependent(String resource, SharedIndexInformer<? extends HasMetadata> informer,
            Class<? extends HasMetadata> type) {
    }

    /** A kind of owner: cached lookup by namespace/name, its type for writes, and a live GET (null: absent). */
    public record OwnerKind(SharedIndexInformer<? extends HasMetadata> informer, Class<? extends HasMetadata> type,
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

    /** Dependent resources the garbage collector can watch (plural name to type). */
    public static final Map<String, Class<? extends HasMetadata>> DEPENDENT_TYPES = Map.of("pods", Pod.class,
            "replicasets", ReplicaSet.class, "jobs", Job.class, "controllerrevisions", ControllerRevision.class,
            "endpointslices", EndpointSlice.class);

    /** The registrations for the built-in workload kinds, restricted to {@code dependentResources}. */
    public static GarbageCollector standard(KubernetesClient client, Informers informers,
            List<String> dependentResources, int workers) {
        GarbageCollector gc = new GarbageCollector(client, workers);
        gc.owner("apps/v1", "Deployment", informers.deployments, io.fabric8.kubernetes.api.model.apps.Deployment.class);
        gc.owner("apps/v1", "ReplicaSet", informers.replicaSets, ReplicaSet.class);
        List<SharedIndexInformer<?>> deps = new ArrayList<>(List.of(informers.deployments, informers.replicaSets));
        for (String r : dependentResources) {
            Class<? extends HasMetadata> type = DEPENDENT_TYPES.get(r.trim());
            if (type == null) {
                throw new IllegalArgumentException("garbage collector: unknown dependent resource " + r
                        + "; known: " + DEPENDENT_TYPES.keySet());
            }
            SharedIndexInformer<? extends HasMetadata> i = informers.of(type);
            gc.dependent(r.trim(), i, type);
            deps.add(i);
            if (r.trim().equals("jobs")) {
                SharedIndexInformer<CronJob> cronJobs = informers.of(CronJob.class);
                gc.owner("batch/v1", "CronJob", cronJobs, CronJob.class);
                deps.add(cronJobs);
            }
            // Every dependent may itself be deleted in the foreground (or orphan its own dependents): as an owner
            // without dependents its finalizer is removed at once.
            gc.owner(HasMetadata.getApiVersion(type), HasMetadata.getKind(type), i, type);
        }
        gc.queue.dependsOn(deps.toArray(SharedIndexInformer[]::new));
        return gc;
    }

    /** Registers StatefulSet and DaemonSet owners (when their controllers run). */
    public static void workloadOwners(GarbageCollector gc, Informers informers) {
        gc.owner("apps/v1", "StatefulSet", informers.of(StatefulSet.class), StatefulSet.class);
        gc.owner("apps/v1", "DaemonSet", informers.of(DaemonSet.class), DaemonSet.class);
    }

    public QueueController queue() {
        return queue;
    }

    public void owner(String apiVersion, String kind, SharedIndexInformer<? extends HasMetadata> informer,
            Class<? extends HasMetadata> type) {
        String ownerKind = apiVersion + "/" + kind;
        if (owners.containsKey(ownerKind)) {
            return;
        }
        owners.put(ownerKind, new OwnerKind(informer, type, (ns, n) -> ns == null
                ? client.resources(type).withName(n).get() : client.resources(type).inNamespace(ns).withName(n).get()));
        informer.addEventHandler(new ResourceEventHandler<HasMetadata>() {
            @Override
            public void onAdd(HasMetadata owner) {
                enqueueIfFinalizing(ownerKind, owner);
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata owner) {
                enqueueIfFinalizing(ownerKind, owner);
            }

            @Override
            public void onDelete(HasMetadata owner, boolean unknown) {
                enqueueDependentsOf(owner.getMetadata().getUid());
            }
        });
    }

    private void enqueueIfFinalizing(String ownerKind, HasMetadata owner) {
        if (owner.getMetadata().getDeletionTimestamp() != null && owner.getMetadata().getFinalizers() != null
                && (owner.getMetadata().getFinalizers().contains(ORPHAN)
                        || owner.getMetadata().getFinalizers().contains(FOREGROUND))) {
            queue.enqueue(OWNER_PREFIX + ownerKind + "|" + QueueController.key(owner));
        }
    }

    public void dependent(String resource, SharedIndexInformer<? extends HasMetadata> informer,
            Class<? extends HasMetadata> type) {
        dependents.put(resource, new Dependent(resource, informer, type));
        informer.addEventHandler(queue.handler((HasMetadata o) -> {
            if (!hasOwners(o)) {
                return List.of();
            }
            List<String> keys = new ArrayList<>();
            keys.add(resource + "|" + QueueController.key(o));
            // A changed or deleted dependent may unblock an owner deleted in the foreground.
            for (OwnerReference r : o.getMetadata().getOwnerReferences()) {
                String ownerKind = r.getApiVersion() + "/" + r.getKind();
                OwnerKind k = owners.get(ownerKind);
                if (k != null) {
                    String ns = o.getMetadata().getNamespace();
                    HasMetadata owner = k.informer().getIndexer().getByKey(ns == null ? r.getName()
                            : ns + "/" + r.getName());
                    if (owner != null && owner.getMetadata().getDeletionTimestamp() != null) {
                        keys.add(OWNER_PREFIX + ownerKind + "|" + QueueController.key(owner));
                    }
                }
            }
            return keys;
        }));
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
        if (key.startsWith(OWNER_PREFIX)) {
            String rest = key.substring(OWNER_PREFIX.length());
            int bar = rest.lastIndexOf('|');
            return reconcileOwner(rest.substring(0, bar), rest.substring(bar + 1));
        }
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
        delete(dep.type(), obj, DeletionPropagation.BACKGROUND);
        return Result.done();
    }

    /** Orphan or foreground deletion of one owner. */
    Result reconcileOwner(String ownerKind, String nsName) {
        OwnerKind kind = owners.get(ownerKind);
        HasMetadata owner = kind.informer().getIndexer().getByKey(nsName);
        if (owner == null || owner.getMetadata().getDeletionTimestamp() == null
                || owner.getMetadata().getFinalizers() == null) {
            return Result.done();
        }
        String uid = owner.getMetadata().getUid();
        List<Map.Entry<Dependent, HasMetadata>> deps = new ArrayList<>();
        for (Dependent d : dependents.values()) {
            for (HasMetadata o : d.informer().getIndexer().byIndex(Informers.BY_OWNER_UID, uid)) {
                deps.add(Map.entry(d, o));
            }
        }
        List<String> finalizers = owner.getMetadata().getFinalizers();
        if (finalizers.contains(ORPHAN)) {
            for (Map.Entry<Dependent, HasMetadata> e : deps) {
                removeOwnerReference(e.getKey().type(), e.getValue(), uid);
            }
            if (!deps.isEmpty()) {
                LOG.infof("orphaned %d dependents of %s %s", deps.size(), ownerKind, nsName);
                return Result.requeueAfter(RECHECK); // the finalizer goes once the cache shows them released
            }
            if (liveDependents(owner, false) > 0) {
                return Result.requeueAfter(RECHECK); // the informers have not delivered them yet
            }
            removeFinalizer(kind.type(), owner, ORPHAN);
            return Result.done();
        }
        if (finalizers.contains(FOREGROUND)) {
            int blocking = 0;
            for (Map.Entry<Dependent, HasMetadata> e : deps) {
                HasMetadata d = e.getValue();
                boolean blocks = d.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid())
                        && Boolean.TRUE.equals(r.getBlockOwnerDeletion()));
                if (blocks) {
                    blocking++;
                }
                if (d.getMetadata().getDeletionTimestamp() == null) {
                    LOG.infof("deleting %s %s: owner %s %s is deleted in the foreground", e.getKey().resource(),
                            QueueController.key(d), ownerKind, nsName);
                    // as upstream: foreground again only for a dependent that has dependents of its own (a leaf,
                    // e.g. a pod, would keep a foregroundDeletion finalizer nobody removes)
                    delete(e.getKey().type(), d, blocks && hasDependents(d.getMetadata().getUid())
                            ? DeletionPropagation.FOREGROUND : DeletionPropagation.BACKGROUND);
                }
            }
            if (blocking > 0 || liveDependents(owner, true) > 0) {
                return Result.requeueAfter(RECHECK);
            }
            removeFinalizer(kind.type(), owner, FOREGROUND);
        }
        return Result.done();
    }

    /**
     * Dependents of {@code owner} (only blocking ones if {@code blockingOnly}) as the API server lists them now.
     * The owner's update and its dependents' creations arrive on separate watches in no common order: a dependent
     * created just before the owner's deletion may not be in the cache yet. The finalizer is removed only when
     * the API server too shows none, as the background policy never trusts a cache alone either.
     */
    private int liveDependents(HasMetadata owner, boolean blockingOnly) {
        String uid = owner.getMetadata().getUid();
        String ns = owner.getMetadata().getNamespace();
        int n = 0;
        for (Dependent d : dependents.values()) {
            var op = client.resources(d.type());
            List<? extends HasMetadata> items = (ns == null ? op.inAnyNamespace() : op.inNamespace(ns)).list()
                    .getItems();
            for (HasMetadata o : items) {
                if (o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> uid.equals(r.getUid())
                                && (!blockingOnly || Boolean.TRUE.equals(r.getBlockOwnerDeletion())))) {
                    LOG.debugf("%s %s still depends on %s %s (not yet in the cache)", d.resource(),
                            QueueController.key(o), owner.getKind(), QueueController.key(owner));
                    n++;
                }
            }
        }
        return n;
    }

    private boolean hasDependents(String uid) {
        for (Dependent d : dependents.values()) {
            if (!d.informer().getIndexer().byIndex(Informers.BY_OWNER_UID, uid).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void delete(Class<? extends HasMetadata> type, HasMetadata o, DeletionPropagation policy) {
        try {
            var op = client.resources(type);
            (o.getMetadata().getNamespace() == null ? op.withName(o.getMetadata().getName())
                    : op.inNamespace(o.getMetadata().getNamespace()).withName(o.getMetadata().getName()))
                    .withPropagationPolicy(policy).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** A merge patch carrying the cached resourceVersion: a concurrent change fails with 409 and is retried. */
    private void patch(Class<? extends HasMetadata> type, HasMetadata o, Map<String, Object> metadata) {
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        meta.put("resourceVersion", o.getMetadata().getResourceVersion());
        String body = JSON.asJson(Map.of("metadata", meta));
        try {
            var op = client.resources(type);
            (o.getMetadata().getNamespace() == null ? op.withName(o.getMetadata().getName())
                    : op.inNamespace(o.getMetadata().getNamespace()).withName(o.getMetadata().getName()))
                    .patch(PatchContext.of(PatchType.JSON_MERGE), body);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void removeOwnerReference(Class<? extends HasMetadata> type, HasMetadata o, String ownerUid) {
        List<OwnerReference> rest = new ArrayList<>(o.getMetadata().getOwnerReferences());
        rest.removeIf(r -> ownerUid.equals(r.getUid()));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("ownerReferences", rest.isEmpty() ? null : rest);
        patch(type, o, meta);
    }

    private void removeFinalizer(Class<? extends HasMetadata> type, HasMetadata o, String finalizer) {
        List<String> rest = new ArrayList<>(o.getMetadata().getFinalizers());
        rest.remove(finalizer);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("finalizers", rest.isEmpty() ? null : rest);
        patch(type, o, meta);
        LOG.infof("removed finalizer %s from %s %s", finalizer, o.getKind(), QueueController.key(o));
    }

    /** True unless the API server confirms the owner (that uid) is absent. */
    boolean ownerExists(String ns, OwnerReference ref) {
        OwnerKind kind = owners.get(ref.getApiVersion() + "/" + ref.getKind());
        if (kind != null) {
            HasMetadata cached = kind.informer().getIndexer().getByKey(ns == null ? ref.getName()
                    : ns + "/" + ref.getName());
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
