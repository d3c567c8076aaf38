package io.kybernetes.controllers.endpointslice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.informers.Selectors;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;
import io.kybernetes.controllers.replicaset.ReplicaSetController;

/**
 * Keeps the EndpointSlices (discovery.k8s.io/v1) of every Service with a selector: slices labelled with the
 * service name and this controller as manager, owned by the Service, updated in place, created and deleted so
 * that each holds at most 100 endpoints. Runs beside the Endpoints controller.
 */
public final class EndpointSliceController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(EndpointSliceController.class);
    public static final String NAME = "endpointslice";
    public static final String SERVICE_NAME = "kubernetes.io/service-name";
    public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    public static final String MANAGER = "endpointslice-controller.k8s.io";
    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    private final Informers informers;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final KubernetesClient client;
    private final QueueController queue;

    public EndpointSliceController(Informers informers, KubernetesClient client, int workers) {
        this.informers = informers;
        this.slices = informers.of(EndpointSlice.class);
        this.client = client;
        this.queue = new QueueController(NAME, this, workers).dependsOn(informers.services, informers.pods, slices);
        informers.services.addEventHandler(queue.ownKeyHandler());
        slices.addEventHandler(queue.handler((EndpointSlice s) -> {
            Map<String, String> l = s.getMetadata().getLabels();
            return l == null || !MANAGER.equals(l.get(MANAGED_BY)) || l.get(SERVICE_NAME) == null ? List.of()
                    : List.of(s.getMetadata().getNamespace() + "/" + l.get(SERVICE_NAME));
        }));
        informers.pods.addEventHandler(queue.handler(this::servicesOf));
    }

    public QueueController queue() {
        return queue;
    }

    private List<String> servicesOf(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (Service s : informers.services.getIndexer().byIndex(Cache.NAMESPACE_INDEX,
                pod.getMetadata().getNamespace())) {
            if (Selectors.matchesMap(s.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                keys.add(QueueController.key(s));
            }
        }
        return keys;
    }

    private List<EndpointSlice> managedSlices(String ns, String name) {
        List<EndpointSlice> out = new ArrayList<>();
        for (EndpointSlice s : slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            Map<String, String> l = s.getMetadata().getLabels();
            if (l != null && name.equals(l.get(SERVICE_NAME)) && MANAGER.equals(l.get(MANAGED_BY))
                    && s.getMetadata().getDeletionTimestamp() == null) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
        return out;
    }

    @Override
    public Result reconcile(String key) {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        Service svc = informers.services.getIndexer().getByKey(key);
        List<EndpointSlice> existing = managedSlices(ns, name);
        if (svc == null || svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()
                || svc.getMetadata().getDeletionTimestamp() != null) {
            existing.forEach(this::delete);
            return Result.done();
        }
        List<Pod> pods = new ArrayList<>();
        for (Pod p : informers.pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (Selectors.matchesMap(svc.getSpec().getSelector(), p.getMetadata().getLabels())) {
                pods.add(p);
            }
        }
        List<Slices.Content> want = new ArrayList<>(Slices.desired(svc, pods));
        if (want.isEmpty()) {
            want.add(new Slices.Content(null, List.of())); // a placeholder slice, as upstream
        }
        Map<String, String> labels = labels(svc);
        // Reuse slices with the same ports first, in name order; then any leftover slice; delete the rest.
        List<EndpointSlice> free = new ArrayList<>(existing);
        Map<Slices.Content, EndpointSlice> assigned = new LinkedHashMap<>();
        for (Slices.Content c : want) {
            EndpointSlice match = free.stream().filter(s -> Semantic.equal(norm(s.getPorts()), norm(c.ports())))
                    .findFirst().orElse(null);
            if (match != null) {
                free.remove(match);
                assigned.put(c, match);
            }
        }
        for (Slices.Content c : want) {
            if (!assigned.containsKey(c) && !free.isEmpty()) {
                assigned.put(c, free.remove(0));
            }
        }
        for (Slices.Content c : want) {
            EndpointSlice s = assigned.get(c);
            if (s == null) {
                EndpointSlice created = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns)
                        .withGenerateName(name + "-").withName(name + "-" + ReplicaSetController.randomSuffix())
                        .withLabels(labels).withOwnerReferences(Owners.controllerRef(svc, "v1", "Service"))
                        .endMetadata().withAddressType("IPv4").withPorts(c.ports()).withEndpoints(c.endpoints())
                        .build();
                client.resources(EndpointSlice.class).inNamespace(ns).resource(created).create();
                LOG.debugf("created endpointslice for %s with %d endpoints", key, c.endpoints().size());
            } else if (!Semantic.equal(norm(s.getPorts()), norm(c.ports()))
                    || !Semantic.equal(norm(s.getEndpoints()), norm(c.endpoints()))
                    || !labels.equals(s.getMetadata().getLabels())) {
                EndpointSlice updated = new EndpointSliceBuilder(s).editMetadata().withLabels(labels).endMetadata()
                        .withPorts(c.ports()).withEndpoints(c.endpoints()).build();
                client.resources(EndpointSlice.class).inNamespace(ns).resource(updated).update();
                LOG.debugf("updated endpointslice %s/%s", ns, s.getMetadata().getName());
            }
        }
        free.forEach(this::delete);
        return Result.done();
    }

    private static <T> List<T> norm(List<T> l) {
        return l == null ? List.of() : l;
    }

    static Map<String, String> labels(Service svc) {
        Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of()
                : svc.getMetadata().getLabels());
        labels.put(SERVICE_NAME, svc.getMetadata().getName());
        labels.put(MANAGED_BY, MANAGER);
        if ("None".equals(svc.getSpec().getClusterIP())) {
            labels.put(HEADLESS_LABEL, "");
        }
        return labels;
    }

    private void delete(EndpointSlice s) {
        try {
            client.resources(EndpointSlice.class).inNamespace(s.getMetadata().getNamespace())
                    .withName(s.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
