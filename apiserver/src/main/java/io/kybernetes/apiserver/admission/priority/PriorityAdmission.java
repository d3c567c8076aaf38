package io.kybernetes.apiserver.admission.priority;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MutatingPlugin;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;

/**
 * Upstream's Priority plugin for new pods: {@code priorityClassName} resolves to {@code priority} and
 * {@code preemptionPolicy} (a missing class is refused); without one the globalDefault class applies, else
 * priority 0. A pod that sets a priority other than its class's is refused, as upstream.
 */
@ApplicationScoped
public class PriorityAdmission implements MutatingPlugin {

    public static final String NAME = "Priority";

    private final EtcdStore store;

    public PriorityAdmission(EtcdStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        if (a.operation() != Operation.CREATE || !a.isCore("pods")) {
            return CompletableFuture.completedFuture(null);
        }
        ObjectNode spec = Json.with(a.object(), "spec");
        String className = spec.path("priorityClassName").asText("");
        CompletableFuture<JsonNode> cls = className.isEmpty()
                ? store.list("/registry/priorityclasses/").thenApply(l -> l.items().stream()
                        .map(v -> (JsonNode) GenericStore.decode(v))
                        .filter(pc -> pc.path("globalDefault").asBoolean(false))
                        .min(java.util.Comparator.comparingLong(pc -> pc.path("value").asLong()))
                        .orElse(null))
                : store.get("/registry/priorityclasses/" + className).thenApply(v -> {
                    if (v.isEmpty()) {
                        throw a.forbidden("no PriorityClass with name " + className + " was found");
                    }
                    return GenericStore.decode(v.get());
                });
        return cls.thenAccept(pc -> {
            long value = pc == null ? 0 : pc.path("value").asLong(0);
            String policy = pc == null ? "PreemptLowerPriority"
                    : pc.path("preemptionPolicy").asText("PreemptLowerPriority");
            if (spec.hasNonNull("priority") && spec.get("priority").asLong() != value) {
                throw a.forbidden("the integer value of priority (" + spec.get("priority").asLong()
                        + ") must not be provided in pod spec; priority admission controller computed " + value
                        + " from the given PriorityClass name");
            }
            if (pc != null && className.isEmpty()) {
                spec.put("priorityClassName", pc.path("metadata").path("name").asText());
            }
            spec.put("priority", value);
            spec.put("preemptionPolicy", policy);
        });
    }
}
