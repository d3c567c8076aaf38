package io.kybernetes.apiserver.kinds;

import java.util.List;
import java.util.Set;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.DeleteOptions;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** Namespaces: DNS-1123 label names, phase Active, the kubernetes.io/metadata.name label. */
@ApplicationScoped
public class NamespaceStrategy implements Strategy {

    private static final Logger LOG = Logger.getLogger(NamespaceStrategy.class);

    private final Instance<Registry> registry;
    private final Instance<GenericStore> store;

    public NamespaceStrategy(Instance<Registry> registry, Instance<GenericStore> store) {
        this.registry = registry;
        this.store = store;
    }

    /**
     * Deletes whatever the namespace still holds once it is removed, in the background (a safety net: the namespace
     * controller empties a Terminating namespace before it removes the "kubernetes" finalizer through /finalize).
     */
    @Override
    public CompletableFuture<Void> afterDelete(ObjectNode obj) {
        String ns = Json.str(obj, "metadata.name");
        for (Resource r : registry.get().all().stream()
                .map(t -> registry.get().resource(t.group(), t.version(), t.resource()).orElseThrow()).toList()) {
            if (!r.namespaced() || r.type().kind().equals("Binding")) {
                continue;
            }
            store.get().deleteCollection(r, ns, o -> true, DeleteOptions.DEFAULT).whenComplete((v, t) -> {
                if (t != null) {
                    LOG.warnf("deleting the %s of namespace %s: %s", r.name(), ns, t.getMessage());
                } else if (v.path("items").size() > 0) {
                    LOG.infof("namespace %s deleted: removed %d %s", ns, v.path("items").size(), r.name());
                }
            });
        }
        return DONE;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.LABEL;
    }

    static final String FINALIZER = "kubernetes";
    static final java.util.Set<String> UNDELETABLE = java.util.Set.of("default", "kube-system", "kube-public");

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("phase", "Active");
        ObjectNode spec = Json.with(obj, "spec");
        com.fasterxml.jackson.databind.node.ArrayNode finalizers = spec.get("finalizers") instanceof
                com.fasterxml.jackson.databind.node.ArrayNode a ? a : spec.putArray("finalizers");
        boolean present = false;
        for (var f : finalizers) {
            present |= f.asText().equals(FINALIZER);
        }
        if (!present) {
            finalizers.add(FINALIZER);
        }
        prepareForCreateDefaults(obj);
    }

    /** spec.finalizers change only through the finalize subresource. */
    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        ObjectNode spec = Json.with(obj, "spec");
        if (old.path("spec").has("finalizers")) {
            spec.set("finalizers", old.path("spec").get("finalizers").deepCopy());
        } else {
            spec.remove("finalizers");
        }
        prepareForCreateDefaults(obj);
    }

    /** The first DELETE starts termination: phase Terminating (the object stays until it is finalized). */
    @Override
    public void prepareForDelete(ObjectNode obj) {
        String name = Json.str(obj, "metadata.name");
        if (UNDELETABLE.contains(name)) {
            throw new io.kybernetes.apiserver.status.ApiException(403, "Forbidden", "namespaces \"" + name
                    + "\" is forbidden: this namespace may not be deleted", name, "", "namespaces", null, null);
        }
        Json.with(obj, "status").put("phase", "Terminating");
    }

    @Override
    public boolean finalized(ObjectNode obj) {
        return obj.path("spec").path("finalizers").isEmpty();
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        Json.with(obj, "metadata", "labels").put("kubernetes.io/metadata.name", Json.str(obj, "metadata.name"));
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("status.phase");
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Status", "string", "The status of the namespace"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "status.phase"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
