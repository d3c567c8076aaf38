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
     * Deletes what the namespace held, in the background (pods bound to a node go gracefully, through their
     * kubelet). Simpler than upstream's Terminating phase and namespace controller: the namespace object goes at
     * once, so nothing new can be created in it while its content is removed.
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

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("phase", "Active");
        prepareForCreateDefaults(obj);
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
