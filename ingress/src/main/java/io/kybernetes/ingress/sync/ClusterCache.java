package io.kybernetes.ingress.sync;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.ingress.model.ClusterView;

/**
 * fabric8 informers on Ingresses, IngressClasses, Services, EndpointSlices and Secrets; a {@link ClusterView} over
 * their caches. Every event only calls {@code onChange}: the sync loop reads the caches itself.
 */
public class ClusterCache implements ClusterView {

    private static final Logger LOG = Logger.getLogger(ClusterCache.class);
    private static final String BY_SERVICE = "service";

    private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<Ingress> ingresses;
    private SharedIndexInformer<IngressClass> classes;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Secret> secrets;

    /** Creates and starts the informers; returns at once (the caches fill in the background). */
    public void start(KubernetesClient client, long resyncMillis, Runnable onChange) {
        ingresses = client.network().v1().ingresses().inAnyNamespace().runnableInformer(resyncMillis);
        classes = client.network().v1().ingressClasses().runnableInformer(resyncMillis);
        services = client.services().inAnyNamespace().runnableInformer(resyncMillis);
        slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(resyncMillis);
        slices.addIndexers(java.util.Map.of(BY_SERVICE, s -> {
            var labels = s.getMetadata().getLabels();
            String svc = labels == null ? null : labels.get("kubernetes.io/service-name");
            return svc == null ? List.of() : List.of(s.getMetadata().getNamespace() + "/" + svc);
        }));
        secrets = client.secrets().inAnyNamespace().runnableInformer(resyncMillis);
        informers.addAll(List.of(ingresses, classes, services, slices, secrets));
        ResourceEventHandler<Object> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                onChange.run();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                onChange.run();
            }
        };
        for (SharedIndexInformer<?> informer : informers) {
            @SuppressWarnings("unchecked")
            SharedIndexInformer<Object> i = (SharedIndexInformer<Object>) informer;
            i.addEventHandler(handler);
            i.exceptionHandler((started, t) -> {
                LOG.warnf("watching %s failed, retrying: %s", i.getApiTypeClass().getSimpleName(), t.getMessage());
                return true;
            });
            i.start().whenComplete((ok, err) -> {
                if (err != null) {
                    LOG.errorf("informer for %s stopped: %s", i.getApiTypeClass().getSimpleName(), err.getMessage());
                }
                onChange.run();
            });
        }
    }

    public boolean synced() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public void stop() {
        informers.forEach(SharedIndexInformer::stop);
    }

    @Override
    public List<Ingress> ingresses() {
        return ingresses.getStore().list();
    }

    @Override
    public List<IngressClass> ingressClasses() {
        return classes.getStore().list();
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return Optional.ofNullable(services.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    @Override
    public List<EndpointSlice> endpointSlices(String namespace, String service) {
        return slices.getIndexer().byIndex(BY_SERVICE, namespace + "/" + service);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return Optional.ofNullable(secrets.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }
}
