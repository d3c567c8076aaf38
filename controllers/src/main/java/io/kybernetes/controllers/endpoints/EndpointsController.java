package io.kybernetes.controllers.endpoints;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Selectors;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;

/** Keeps an Endpoints object per Service with a selector, listing the selected pods' addresses and ports. */
public final class EndpointsController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(EndpointsController.class);
    public static final String NAME = "endpoints";
    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    private final Informers informers;
    private final KubernetesClient client;
    private final QueueController queue;

    public EndpointsController(Informers informers, KubernetesClient client, int workers) {
        this.informers = informers;
        this.client = client;
        this.queue = new QueueController(NAME, this, workers);
        informers.services.addEventHandler(queue.ownKeyHandler());
        informers.endpoints.addEventHandler(queue.ownKeyHandler());
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

    @Override
    public Result reconcile(String key) {
        Service svc = informers.services.getIndexer().getByKey(key);
        Endpoints existing = informers.endpoints.getIndexer().getByKey(key);
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        if (svc == null) {
            if (existing != null) {
                try {
                    client.endpoints().inNamespace(ns).withName(name).delete();
                    LOG.infof("deleted endpoints %s: its service is gone", key);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                }
            }
            return Result.done();
        }
        if (svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
            return Result.done(); // endpoints of selector-less services are managed by their users
        }
        List<Pod> pods = new ArrayList<>();
        for (Pod p : informers.pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (Selectors.matchesMap(svc.getSpec().getSelector(), p.getMetadata().getLabels())) {
                pods.add(p);
            }
        }
        List<EndpointSubset> subsets = Subsets.of(svc, pods);
        Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of()
                : svc.getMetadata().getLabels());
        if ("None".equals(svc.getSpec().getClusterIP())) {
            labels.put(HEADLESS_LABEL, "");
        }
        if (existing != null && Semantic.equal(normalize(existing.getSubsets()), subsets)
                && Objects.equals(existing.getMetadata().getLabels() == null ? Map.of()
                        : existing.getMetadata().getLabels(), labels)) {
            return Result.done();
        }
        if (existing == null) {
            Endpoints ep = new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(ns)
                    .withLabels(labels).endMetadata().withSubsets(subsets).build();
            client.endpoints().inNamespace(ns).resource(ep).create();
            LOG.infof("created endpoints %s with %d subsets", key, subsets.size());
        } else {
            Endpoints ep = new EndpointsBuilder(existing).editMetadata().withLabels(labels).endMetadata()
                    .withSubsets(subsets).build();
            client.endpoints().inNamespace(ns).resource(ep).update();
            LOG.debugf("updated endpoints %s", key);
        }
        return Result.done();
    }

    private static List<EndpointSubset> normalize(List<EndpointSubset> s) {
        return s == null ? List.of() : s;
    }
}
