package io.kybernetes.controllers.namespace;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kybernetes.controllers.discovery.ResourceDiscovery;
import io.kybernetes.controllers.discovery.ResourceType;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;
import io.kybernetes.controllers.reconcile.Times;

/**
 * Empties Terminating namespaces: deletes every object of every namespaced resource discovery lists, reports
 * progress in the namespace's conditions, and once nothing is left removes the "kubernetes" finalizer through
 * {@code PUT /api/v1/namespaces/{name}/finalize}, after which the API server removes the namespace.
 */
public final class NamespaceController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(NamespaceController.class);
    public static final String NAME = "namespace";
    public static final String FINALIZER = "kubernetes";
    static final Duration RECHECK = Duration.ofSeconds(2);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final SharedIndexInformer<Namespace> namespaces;
    private final KubernetesClient client;
    private final ResourceDiscovery discovery;
    private final Clock clock;
    private final QueueController queue;

    public NamespaceController(Informers informers, KubernetesClient client, ResourceDiscovery discovery, Clock clock,
            int workers) {
        this.namespaces = informers.of(Namespace.class);
        this.client = client;
        this.discovery = discovery;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(namespaces);
        namespaces.addEventHandler(queue.ownKeyHandler());
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String name) throws Exception {
        Namespace cached = namespaces.getIndexer().getByKey(name);
        if (cached == null || cached.getMetadata().getDeletionTimestamp() == null) {
            return Result.done();
        }
        List<String> finalizers = cached.getSpec() == null || cached.getSpec().getFinalizers() == null ? List.of()
                : cached.getSpec().getFinalizers();
        if (!finalizers.contains(FINALIZER)) {
            return Result.done();
        }
        Namespace ns = new NamespaceBuilder(cached).build();
        String discoveryError = null;
        List<ResourceType> types = List.of();
        try {
            types = discovery.serverResources();
        } catch (KubernetesClientException e) {
            discoveryError = "Discovery failed for some groups, 1 failing: " + e.getMessage();
        }
        List<String> failures = new ArrayList<>();
        SortedMap<String, Integer> remaining = new TreeMap<>();
        SortedMap<String, Integer> held = new TreeMap<>();
        for (ResourceType t : types) {
            if (!t.namespaced() || !t.can("list", "delete") || t.plural().equals("events")
                    && t.group().equals("events.k8s.io")) {
                continue;
            }
            try {
                List<GenericKubernetesResource> items = client.genericKubernetesResources(t.context())
                        .inNamespace(name).list().getItems();
                for (GenericKubernetesResource o : items) {
                    if (o.getMetadata().getDeletionTimestamp() == null) {
                        try {
                            client.genericKubernetesResources(t.context()).inNamespace(name)
                                    .withName(o.getMetadata().getName())
                                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                        } catch (KubernetesClientException e) {
                            if (e.getCode() != 404) {
                                throw e;
                            }
                        }
                    }
                    if (o.getMetadata().getFinalizers() != null) {
                        for (String f : o.getMetadata().getFinalizers()) {
                            held.merge(f, 1, Integer::sum);
                        }
                    }
                }
                // Count what is still there after the deletions (graceful pods, finalizers).
                int left = client.genericKubernetesResources(t.context()).inNamespace(name).list().getItems().size();
                if (left > 0) {
                    remaining.put(t.plural() + "." + t.group(), left);
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404 || e.getCode() == 405) {
                    continue; // not listable in a namespace after all
                }
                failures.add(t + ": " + e.getMessage());
            }
        }
        List<NamespaceCondition> conditions = DeletionConditions.of(new DeletionConditions.Pass(discoveryError,
                failures, remaining, held), ns.getStatus() == null ? null : ns.getStatus().getConditions(),
                Times.format(clock.instant()));
        boolean done = discoveryError == null && failures.isEmpty() && remaining.isEmpty();
        if (!Semantic.equal(ns.getStatus() == null ? null : ns.getStatus().getConditions(), conditions)) {
            Namespace copy = new NamespaceBuilder(ns).editOrNewStatus().withPhase("Terminating")
                    .withConditions(conditions).endStatus().build();
            try {
                ns = client.namespaces().resource(copy).updateStatus();
            } catch (KubernetesClientException e) {
                // A conflict or a missing status subresource: the conditions are reported on a later pass;
                // when the content is gone, finalizing matters more (it answers 404 if the namespace is gone).
                if (!done && e.getCode() != 409 && e.getCode() != 404) {
                    throw e;
                }
                LOG.debugf("namespace %s: status not written: %s", name, e.getMessage());
            }
        }
        if (!done) {
            LOG.debugf("namespace %s: content remaining %s, failures %s", name, remaining, failures);
            return Result.requeueAfter(RECHECK);
        }
        finalizeNamespace(ns);
        LOG.infof("namespace %s: all content deleted, finalized", name);
        return Result.done();
    }

    private void finalizeNamespace(Namespace ns) {
        List<String> rest = new ArrayList<>(ns.getSpec().getFinalizers());
        rest.remove(FINALIZER);
        Namespace body = new NamespaceBuilder(ns).editSpec().withFinalizers(rest).endSpec().build();
        try {
            // fabric8 has no typed call for this subresource; raw needs an absolute URL.
            String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/"
                    + ns.getMetadata().getName() + "/finalize";
            client.raw(url, "PUT", JSON.convertValue(body, Map.class));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
