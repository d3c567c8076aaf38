package io.kybernetes.scheduler.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.scheduler.framework.Listers;

/**
 * {@link Listers} over informer caches of the cluster objects plugins read besides nodes and pods: claims,
 * volumes, storage classes, namespaces, services and pod owners (default spreading), PDBs and priority classes.
 * These informers are best effort: a kind the API server does not serve yet reads as empty.
 */
public final class ClusterObjects implements Listers {

    private static final Logger LOG = Logger.getLogger(ClusterObjects.class);

    private volatile SharedIndexInformer<PersistentVolumeClaim> pvcs;
    private volatile SharedIndexInformer<PersistentVolume> pvs;
    private volatile SharedIndexInformer<StorageClass> storageClasses;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<Service> services;
    private volatile SharedIndexInformer<ReplicationController> rcs;
    private volatile SharedIndexInformer<ReplicaSet> replicaSets;
    private volatile SharedIndexInformer<StatefulSet> statefulSets;
    private volatile SharedIndexInformer<PodDisruptionBudget> pdbs;
    private volatile SharedIndexInformer<PriorityClass> priorityClasses;
    private final List<SharedIndexInformer<?>> all = new CopyOnWriteArrayList<>();
    /** Kinds the API server did not serve yet, retried until it does. */
    private final List<Pending<?>> pending = new ArrayList<>();
    private ScheduledExecutorService retry;

    /** A kind to watch once served: its type, how to build its informer, and where to keep it. */
    private record Pending<T extends HasMetadata>(Class<T> type, Supplier<SharedIndexInformer<T>> informer,
            Consumer<SharedIndexInformer<T>> sink, boolean notifies) {
    }

    /**
     * Starts the informers of the kinds the API server serves, and checks every 30 s for the others (so a
     * kind served later is picked up without a restart and an unserved one does not fill the log with failed
     * watches); {@code changed} hears about events that may make unschedulable pods schedulable (claims,
     * volumes, storage classes, namespaces).
     */
    public void start(KubernetesClient client, Runnable changed) {
        this.changed = changed;
        this.client = client;
        add(PersistentVolumeClaim.class, () -> client.persistentVolumeClaims().inAnyNamespace()
                .runnableInformer(0), i -> pvcs = i, true);
        add(PersistentVolume.class, () -> client.persistentVolumes().runnableInformer(0), i -> pvs = i, true);
        add(StorageClass.class, () -> client.storage().v1().storageClasses().runnableInformer(0),
                i -> storageClasses = i, true);
        add(Namespace.class, () -> client.namespaces().runnableInformer(0), i -> namespaces = i, true);
        add(Service.class, () -> client.services().inAnyNamespace().runnableInformer(0), i -> services = i, false);
        add(ReplicationController.class, () -> client.replicationControllers().inAnyNamespace()
                .runnableInformer(0), i -> rcs = i, false);
        add(ReplicaSet.class, () -> client.apps().replicaSets().inAnyNamespace().runnableInformer(0),
                i -> replicaSets = i, false);
        add(StatefulSet.class, () -> client.apps().statefulSets().inAnyNamespace().runnableInformer(0),
                i -> statefulSets = i, false);
        add(PodDisruptionBudget.class, () -> client.policy().v1().podDisruptionBudget().inAnyNamespace()
                .runnableInformer(0), i -> pdbs = i, false);
        add(PriorityClass.class, () -> client.scheduling().v1().priorityClasses().runnableInformer(0),
                i -> priorityClasses = i, false);
        startServed();
        retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-objects-discovery");
            t.setDaemon(true);
            return t;
        });
        retry.scheduleWithFixedDelay(this::startServed, 30, 30, TimeUnit.SECONDS);
    }

    private Runnable changed;
    private KubernetesClient client;

    private <T extends HasMetadata> void add(Class<T> type, Supplier<SharedIndexInformer<T>> informer,
            Consumer<SharedIndexInformer<T>> sink, boolean notifies) {
        pending.add(new Pending<>(type, informer, sink, notifies));
    }

    private synchronized void startServed() {
        for (var it = pending.iterator(); it.hasNext();) {
            Pending<?> p = it.next();
            boolean served;
            try {
                served = client.supports(p.type());
            } catch (RuntimeException e) {
                LOG.debugf("discovery of %s failed: %s", p.type().getSimpleName(), e.getMessage());
                continue;
            }
            if (served) {
                it.remove();
                startOne(p);
            } else {
                LOG.debugf("%s not served by the API server yet", p.type().getSimpleName());
            }
        }
    }

    private <T extends HasMetadata> void startOne(Pending<T> p) {
        SharedIndexInformer<T> informer = watch(p.informer().get(), p.notifies() ? changed : null);
        p.sink().accept(informer);
        informer.start().whenComplete((v, t) -> {
            if (t != null) {
                LOG.debugf("informer for %s did not start: %s", p.type().getSimpleName(), t.getMessage());
            }
        });
    }

    private <T extends HasMetadata> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer,
            Runnable changed) {
        informer.exceptionHandler((started, t) -> {
            LOG.debugf("%s watch failed (%s), retrying", informer.getApiTypeClass().getSimpleName(),
                    t.getMessage());
            return true;
        });
        if (changed != null) {
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(T obj) {
                    changed.run();
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    changed.run();
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                }
            });
        }
        all.add(informer);
        return informer;
    }

    public void stop() {
        if (retry != null) {
            retry.shutdownNow();
        }
        all.forEach(SharedIndexInformer::stop);
    }

    private static <T> T get(SharedIndexInformer<T> informer, String key) {
        return informer == null ? null : informer.getIndexer().getByKey(key);
    }

    private static <T> List<T> inNamespace(SharedIndexInformer<T> informer, String namespace) {
        return informer == null ? List.of() : informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    @Override
    public PersistentVolumeClaim pvc(String namespace, String name) {
        return get(pvcs, namespace + "/" + name);
    }

    @Override
    public PersistentVolume pv(String name) {
        return get(pvs, name);
    }

    @Override
    public List<PersistentVolume> pvs() {
        return pvs == null ? List.of() : pvs.getIndexer().list();
    }

    @Override
    public StorageClass storageClass(String name) {
        return get(storageClasses, name);
    }

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
        Namespace ns = get(namespaces, namespace);
        if (ns == null) {
            return null;
        }
        return ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    }

    @Override
    public List<Service> services(String namespace) {
        return inNamespace(services, namespace);
    }

    @Override
    public List<ReplicationController> replicationControllers(String namespace) {
        return inNamespace(rcs, namespace);
    }

    @Override
    public List<ReplicaSet> replicaSets(String namespace) {
        return inNamespace(replicaSets, namespace);
    }

    @Override
    public List<StatefulSet> statefulSets(String namespace) {
        return inNamespace(statefulSets, namespace);
    }

    @Override
    public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
        return inNamespace(pdbs, namespace);
    }

    @Override
    public Integer priorityClassValue(String name) {
        PriorityClass pc = get(priorityClasses, name);
        return pc == null ? null : pc.getValue();
    }

    @Override
    public Integer globalDefaultPriority() {
        if (priorityClasses == null) {
            return null;
        }
        for (PriorityClass pc : priorityClasses.getIndexer().list()) {
            if (Boolean.TRUE.equals(pc.getGlobalDefault())) {
                return pc.getValue();
            }
        }
        return null;
    }
}
