package io.kybernetes.apiserver.eviction;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.DeleteOptions;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;

/**
 * POST pods/{name}/eviction: deletes the pod unless a PodDisruptionBudget selecting it allows no disruption (429, as
 * upstream, so that kubectl drain retries). An allowed eviction takes one disruption from the budget's status
 * (disruptionsAllowed - 1, the pod in disruptedPods) before the pod is deleted, so that concurrent evictions cannot
 * overrun it; the disruption controller recomputes the status afterwards.
 */
@ApplicationScoped
public class Evictions {

    private static final Logger LOG = Logger.getLogger(Evictions.class);
    static final String TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget.";

    private final GenericStore store;
    private final Registry registry;

    public Evictions(GenericStore store, Registry registry) {
        this.store = store;
        this.registry = registry;
    }

    /** Evicts pod {@code ns}/{@code name} as the policy/v1 Eviction asks; answers the Success Status. */
    public CompletableFuture<ObjectNode> evict(String ns, String name, ObjectNode eviction) {
        Resource pods = registry.resource("", "v1", "pods").orElseThrow();
        Resource pdbs = registry.resource("policy", "v1", "poddisruptionbudgets").orElseThrow();
        String evictionName = Json.str(eviction, "metadata.name");
        if (!evictionName.isEmpty() && !evictionName.equals(name)) {
            throw ApiException.badRequest("name in URL does not match name in Eviction object");
        }
        DeleteOptions opts = deleteOptions(eviction.path("deleteOptions"));
        return store.get(pods, ns, name).thenCompose(pod -> {
            String phase = Json.str(pod, "status.phase");
            if (phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
                    || !Json.str(pod, "metadata.deletionTimestamp").isEmpty()) {
                return delete(pods, ns, name, opts);
            }
            return store.list(pdbs, ns, pdb -> selects(pdb, pod)).thenCompose(list -> {
                JsonNode items = list.path("items");
                if (items.isEmpty()) {
                    return delete(pods, ns, name, opts);
                }
                if (items.size() > 1) {
                    throw ApiException.internal("This pod has more than one PodDisruptionBudget, which the eviction "
                            + "subresource does not support.");
                }
                String pdbName = Json.str(items.get(0), "metadata.name");
                return store.update(pdbs, ns, pdbName, "status", pdb -> {
                    takeDisruption(pdb, name);
                    return pdb;
                }, opts.dryRun()).thenCompose(pdb -> delete(pods, ns, name, opts));
            });
        });
    }

    /** Takes one disruption from the budget, or throws the 429 upstream answers when none is left. */
    static void takeDisruption(ObjectNode pdb, String podName) {
        String pdbName = Json.str(pdb, "metadata.name");
        JsonNode status = pdb.path("status");
        if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
            throw tooManyRequests("The disruption budget " + pdbName + " is still being processed by the server.");
        }
        long allowed = status.path("disruptionsAllowed").asLong(0);
        if (allowed <= 0) {
            throw tooManyRequests("The disruption budget " + pdbName + " needs "
                    + status.path("desiredHealthy").asLong(0) + " healthy pods and has "
                    + status.path("currentHealthy").asLong(0) + " currently");
        }
        ObjectNode st = Json.with(pdb, "status");
        st.put("disruptionsAllowed", allowed - 1);
        Json.with(st, "disruptedPods").put(podName, Json.now());
    }

    static ApiException tooManyRequests(String cause) {
        return new ApiException(429, "TooManyRequests", TOO_MANY, null, null, null,
                List.of(new Cause("DisruptionBudget", null, cause)), 0);
    }

    /** policy/v1: an empty selector selects every pod of the namespace; a null one selects none. */
    static boolean selects(ObjectNode pdb, JsonNode pod) {
        JsonNode selector = pdb.path("spec").get("selector");
        if (selector == null || selector.isNull()) {
            return false;
        }
        try {
            return LabelSelector.fromObject(selector).matches(pod.path("metadata").get("labels"));
        } catch (IllegalArgumentException e) {
            LOG.debugf("PodDisruptionBudget %s has an invalid selector: %s", Json.str(pdb, "metadata.name"),
                    e.getMessage());
            return false;
        }
    }

    private CompletableFuture<ObjectNode> delete(Resource pods, String ns, String name, DeleteOptions opts) {
        return store.delete(pods, ns, name, opts).thenApply(o -> {
            LOG.infof("evicted pod %s/%s", ns, name);
            ObjectNode s = Json.object();
            s.put("kind", "Status");
            s.put("apiVersion", "v1");
            s.putObject("metadata");
            s.put("status", "Success");
            s.put("code", 201);
            return s;
        });
    }

    private static DeleteOptions deleteOptions(JsonNode o) {
        Long grace = o.hasNonNull("gracePeriodSeconds") ? o.get("gracePeriodSeconds").asLong() : null;
        boolean dryRun = false;
        for (JsonNode d : o.path("dryRun")) {
            dryRun |= d.asText().equals("All");
        }
        return new DeleteOptions(grace, Json.str(o, "preconditions.uid"), Json.str(o, "preconditions.resourceVersion"),
                o.hasNonNull("propagationPolicy") ? o.get("propagationPolicy").asText() : null, dryRun);
    }
}
