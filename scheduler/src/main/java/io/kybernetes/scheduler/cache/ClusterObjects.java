package io.kybernetes.scheduler.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    private SharedIndexInformer<PersistentVolumeClaim> pvcs;
    private SharedIndexInformer<PersistentVolume> pvs;
    private SharedIndexInformer<StorageClass> storageClasses;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<ReplicationController> rcs;
    private SharedIndexInformer<ReplicaSet> replicaSets;
    private SharedIndexInformer<StatefulSet> statefulSets;
    private SharedIndexInformer<PodDisruptionBudget> pdbs;
    private SharedIndexInformer<PriorityClass> priorityClasses;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();

    /**
     * Starts the informers; {@code changed} hears about events that may make unschedulable pods schedulable
     * (claims, volumes, storage classes, namespaces).
     */
    public List<SharedIndexInformer<?>> start(KubernetesClient client, Runnable changed) {
        pvcs = watch(client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0), changed);
        pvs = watch(client.persistentVolumes().runnableInformer(0), changed);
        storageClasses = watch(client.storage().v1().storageClasses().runnableInformer(0), changed);
        namespaces = watch(client.namespaces().runnableInformer(0), changed);
        services = watch(client.services().inAnyNamespace().runnableInformer(0), null);
        rcs = watch(client.replicationControllers().inAnyNamespace().runnableInformer(0), null);
        replicaSets = watch(client.apps().replicaSets().inAnyNamespace().runnableInformer(0), null);
        statefulSets = watch(client.apps().statefulSets().inAnyNamespace().runnableInformer(0), null);
        pdbs = watch(client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0), null);
        priorityClasses = watch(client.scheduling().v1().priorityClasses().runnableInformer(0), null);
        for (SharedIndexInformer<?> i : all) {
            i.start().whenComplete((v, t) -> {
                if (t != null) {
                    LOG.debugf("informer for %s did not start: %s", i.getApiTypeClass().getSimpleName(),
                            t.getMessage());
                }
            });
        }
        return List.copyOf(all);
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
