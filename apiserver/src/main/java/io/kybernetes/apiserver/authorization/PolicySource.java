package io.kybernetes.apiserver.authorization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;

/**
 * The RBAC objects, read from the store and kept for a short time (upstream's authorizer reads informer caches,
 * which lag the same way); a write to the rbac.authorization.k8s.io group through this apiserver drops the copy so
 * the writer's next request sees its own change.
 */
@ApplicationScoped
public class PolicySource {

    static final String GROUP = "rbac.authorization.k8s.io";
    private static final long MAX_AGE_NANOS = 2_000_000_000L;

    private final GenericStore store;
    private final Registry registry;
    private volatile CompletableFuture<Policy> current;
    private volatile long loadedAt;

    public PolicySource(GenericStore store, Registry registry) {
        this.store = store;
        this.registry = registry;
    }

    public void invalidate() {
        current = null;
    }

    public CompletableFuture<Policy> policy() {
        CompletableFuture<Policy> c = current;
        if (c != null && !c.isCompletedExceptionally() && System.nanoTime() - loadedAt < MAX_AGE_NANOS) {
            return c;
        }
        synchronized (this) {
            c = current;
            if (c == null || c.isCompletedExceptionally() || System.nanoTime() - loadedAt >= MAX_AGE_NANOS) {
                loadedAt = System.nanoTime();
                c = load();
                current = c;
            }
            return c;
        }
    }

    private CompletableFuture<List<ObjectNode>> list(String resource) {
        return store.list(registry.resource(GROUP, "v1", resource).orElseThrow(), null, o -> true).thenApply(l -> {
            List<ObjectNode> out = new ArrayList<>();
            l.path("items").forEach(i -> out.add((ObjectNode) i));
            return out;
        });
    }

    private CompletableFuture<Policy> load() {
        var cr = list("clusterroles");
        var r = list("roles");
        var crb = list("clusterrolebindings");
        var rb = list("rolebindings");
        return CompletableFuture.allOf(cr, r, crb, rb).thenApply(v -> {
            Map<String, ObjectNode> clusterRoles = new HashMap<>();
            cr.join().forEach(o -> clusterRoles.put(Json.str(o, "metadata.name"), o));
            Map<String, ObjectNode> roles = new HashMap<>();
            r.join().forEach(o -> roles.put(Json.str(o, "metadata.namespace") + "/" + Json.str(o, "metadata.name"), o));
            return new Policy(clusterRoles, roles, crb.join(), rb.join());
        });
    }
}
