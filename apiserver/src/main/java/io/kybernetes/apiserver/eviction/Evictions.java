package io.kybernetes.apiserver.eviction;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * POST pods/{name}/eviction, as upstream's eviction subresource: a terminal, Pending or terminating pod, or one no
 * PodDisruptionBudget selects, is deleted at once. Under a budget, a not-Ready pod is deleted without taking a
 * disruption when the budget's {@code unhealthyPodEvictionPolicy} is AlwaysAllow, or (IfHealthyBudget, the default)
 * while the budget has its desired healthy pods; otherwise an allowed eviction takes one disruption from the budget's
 * status (disruptionsAllowed - 1, the pod in disruptedPods) before the pod is deleted, so that concurrent evictions
 * cannot overrun it (the disruption controller recomputes the status afterwards), and a budget with none left answers
 * 429 so that kubectl drain retries. Before the delete the pod gets the DisruptionTarget condition.
 */
@ApplicationScoped
public class Evictions {

    private static final Logger LOG = Logger.getLogger(Evictions.class);
    static final String TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget.";
    /** Upstream's bound on evictions the disruption controller has not yet confirmed. */
    static final int MAX_DISRUPTED_PODS = 2000;

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
            if (canIgnoreBudget(pod)) {
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
                JsonNode budget = items.get(0);
                if (!isReady(pod) && unhealthyMayGo(budget)) {
                    // the pod must still be the one judged unhealthy when it is deleted
                    DeleteOptions pinned = rv(opts).isEmpty()
                            ? withRv(opts, Json.str(pod, "metadata.resourceVersion")) : opts;
                    return delete(pods, ns, name, pinned);
                }
                String pdbName = Json.str(budget, "metadata.name");
                return store.update(pdbs, ns, pdbName, "status", pdb -> {
                    takeDisruption(pdb, name);
                    return pdb;
                }, opts.dryRun()).thenCompose(pdb -> delete(pods, ns, name, opts));
            });
        });
    }

    /** Terminal, Pending and already terminating pods are evicted whatever their budget says. */
    static boolean canIgnoreBudget(JsonNode pod) {
        String phase = Json.str(pod, "status.phase");
        return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
                || !Json.str(pod, "metadata.deletionTimestamp").isEmpty();
    }

    static boolean isReady(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    /**
     * Whether a not-Ready pod may be evicted without taking a disruption: always under AlwaysAllow; under
     * IfHealthyBudget (the default) only while the budget has the healthy pods it wants.
     */
    static boolean unhealthyMayGo(JsonNode pdb) {
        if (Json.str(pdb, "spec.unhealthyPodEvictionPolicy").equals("AlwaysAllow")) {
            return true;
        }
        JsonNode st = pdb.path("status");
        long desired = st.path("desiredHealthy").asLong(0);
        return desired > 0 && st.path("currentHealthy").asLong(0) >= desired;
    }

    /** Takes one disruption from the budget, or throws the 429 upstream answers when none is left. */
    static void takeDisruption(ObjectNode pdb, String podName) {
        String pdbName = Json.str(pdb, "metadata.name");
        JsonNode status = pdb.path("status");
        if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
            throw tooManyRequests("The disruption budget " + pdbName + " is still being processed by the server.");
        }
        long allowed = status.path("disruptionsAllowed").asLong(0);
        if (allowed < 0) {
            throw new ApiException(403, "Forbidden", "pdb disruptions allowed is negative");
        }
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
            throw new ApiException(403, "Forbidden",
                    "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (allowed == 0) {
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

    /** Marks the pod with the DisruptionTarget condition (not on a dry run), then deletes it. */
    private CompletableFuture<ObjectNode> delete(Resource pods, String ns, String name, DeleteOptions opts) {
        CompletableFuture<?> marked = opts.dryRun() ? CompletableFuture.completedFuture(null)
                : store.update(pods, ns, name, "status", pod -> {
                    if (!rv(opts).isEmpty() && !rv(opts).equals(Json.str(pod, "metadata.resourceVersion"))) {
                        throw ApiException.conflict("", "pods", name, "the object has been modified; please apply "
                                + "your changes to the latest version and try again");
                    }
                    setDisruptionTarget(pod);
                    return pod;
                }, false);
        // the condition write changed the resourceVersion a precondition pinned: the check above stands for it
        DeleteOptions after = rv(opts).isEmpty() || opts.dryRun() ? opts : withRv(opts, null);
        return marked.thenCompose(x -> store.delete(pods, ns, name, after)).thenApply(o -> {
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

    /** Sets (or refreshes) the condition upstream adds to a pod the eviction API deletes. */
    static void setDisruptionTarget(ObjectNode pod) {
        ArrayNode conditions = Json.with(pod, "status").withArray("conditions");
        ObjectNode c = null;
        for (JsonNode e : conditions) {
            if (e.path("type").asText().equals("DisruptionTarget")) {
                c = (ObjectNode) e;
            }
        }
        if (c == null) {
            c = conditions.addObject();
        }
        c.put("type", "DisruptionTarget");
        c.put("status", "True");
        c.putNull("lastProbeTime");
        c.put("lastTransitionTime", Json.now());
        c.put("reason", "EvictionByEvictionAPI");
        c.put("message", "Eviction API: evicting");
    }

    private static String rv(DeleteOptions o) {
        return o.preconditionResourceVersion() == null ? "" : o.preconditionResourceVersion();
    }

    private static DeleteOptions withRv(DeleteOptions o, String rv) {
        return new DeleteOptions(o.gracePeriodSeconds(), o.preconditionUid(), rv, o.propagationPolicy(), o.dryRun());
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
