package io.kybernetes.apiserver.authorization;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;

/**
 * The node authorizer's narrowing, as upstream's graph decides it: a node may read a Secret, ConfigMap or
 * PersistentVolumeClaim, and request a token for a ServiceAccount, only when a pod bound to that node refers to it
 * (volumes, projected sources, env and envFrom of every container kind, imagePullSecrets, serviceAccountName).
 * Upstream keeps a graph updated from informers; this asks the store (its watch cache) for the node's pods at each
 * such request, which kubelets make once per pod start or volume refresh.
 */
@ApplicationScoped
public class NodeGraph {

    static final Set<String> GUARDED = Set.of("secrets", "configmaps", "persistentvolumeclaims");

    private final GenericStore store;
    private final Registry registry;

    public NodeGraph(GenericStore store, Registry registry) {
        this.store = store;
        this.registry = registry;
    }

    /** Whether the request is one the graph decides (reads of guarded objects, ServiceAccount token requests). */
    static boolean guarded(Attributes a) {
        if (!a.resourceRequest() || !a.apiGroup().isEmpty()) {
            return false;
        }
        if (GUARDED.contains(a.resource())) {
            return a.subresource().isEmpty();
        }
        return a.resource().equals("serviceaccounts") && a.subresource().equals("token");
    }

    /** Whether a pod bound to {@code node} refers to the object {@code a} names (a get or a token create). */
    public CompletableFuture<Boolean> allows(String node, Attributes a) {
        boolean read = a.verb().equals("get") || (a.resource().equals("serviceaccounts") && a.verb().equals("create"));
        if (!read || a.name().isEmpty() || a.namespace().isEmpty()) {
            return CompletableFuture.completedFuture(false); // no lists or watches of all of them
        }
        var pods = registry.resource("", "v1", "pods").orElseThrow();
        return store.list(pods, a.namespace(), pod -> node.equals(Json.str(pod, "spec.nodeName")))
                .thenApply(list -> {
                    for (JsonNode pod : list.path("items")) {
                        if (refers(pod.path("spec"), a.resource(), a.name())) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    /** Whether a pod spec refers to the object of {@code resource} named {@code name}. */
    static boolean refers(JsonNode spec, String resource, String name) {
        switch (resource) {
            case "serviceaccounts":
                String sa = spec.path("serviceAccountName").asText("");
                return (sa.isEmpty() ? "default" : sa).equals(name);
            case "persistentvolumeclaims":
                for (JsonNode v : spec.path("volumes")) {
                    if (name.equals(v.path("persistentVolumeClaim").path("claimName").asText(null))) {
                        return true;
                    }
                }
                return false;
            case "secrets":
                for (JsonNode s : spec.path("imagePullSecrets")) {
                    if (name.equals(s.path("name").asText(null))) {
                        return true;
                    }
                }
                return volumesRefer(spec, "secret", "secretName", name) || envRefers(spec, "secretKeyRef", "secretRef", name);
            case "configmaps":
                return volumesRefer(spec, "configMap", "name", name) || envRefers(spec, "configMapKeyRef", "configMapRef", name);
            default:
                return false;
        }
    }

    private static boolean volumesRefer(JsonNode spec, String kind, String nameField, String name) {
        for (JsonNode v : spec.path("volumes")) {
            if (name.equals(v.path(kind).path(nameField).asText(null))) {
                return true;
            }
            for (JsonNode source : v.path("projected").path("sources")) {
                if (name.equals(source.path(kind).path("name").asText(null))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean envRefers(JsonNode spec, String keyRef, String fromRef, String name) {
        for (String kind : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(kind)) {
                for (JsonNode e : c.path("env")) {
                    if (name.equals(e.path("valueFrom").path(keyRef).path("name").asText(null))) {
                        return true;
                    }
                }
                for (JsonNode e : c.path("envFrom")) {
                    if (name.equals(e.path(fromRef).path("name").asText(null))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
