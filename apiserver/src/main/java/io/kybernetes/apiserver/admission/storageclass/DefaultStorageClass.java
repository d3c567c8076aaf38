package io.kybernetes.apiserver.admission.storageclass;

import java.util.Comparator;
import java.util.List;
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
 * Upstream's DefaultStorageClass: a new claim without {@code storageClassName} (absent, not "") gets the default
 * class, the newest of those annotated default (name order breaks a tie), the same choice the controllers' volume
 * binder makes when it sets the class retroactively.
 */
@ApplicationScoped
public class DefaultStorageClass implements MutatingPlugin {

    public static final String NAME = "DefaultStorageClass";
    static final List<String> DEFAULT_ANNOTATIONS = List.of("storageclass.kubernetes.io/is-default-class",
            "storageclass.beta.kubernetes.io/is-default-class");

    private final EtcdStore store;

    public DefaultStorageClass(EtcdStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        if (a.operation() != Operation.CREATE || !a.isCore("persistentvolumeclaims")
                || a.object().path("spec").hasNonNull("storageClassName")) {
            return CompletableFuture.completedFuture(null);
        }
        return store.list("/registry/storageclasses/").thenAccept(l -> {
            JsonNode chosen = l.items().stream().map(v -> (JsonNode) GenericStore.decode(v))
                    .filter(DefaultStorageClass::isDefault)
                    .max(Comparator.comparing((JsonNode sc) -> sc.path("metadata").path("creationTimestamp").asText(""))
                            .thenComparing(sc -> sc.path("metadata").path("name").asText(), Comparator.reverseOrder()))
                    .orElse(null);
            if (chosen != null) {
                Json.with((ObjectNode) a.object(), "spec").put("storageClassName",
                        chosen.path("metadata").path("name").asText());
            }
        });
    }

    static boolean isDefault(JsonNode sc) {
        JsonNode ann = sc.path("metadata").path("annotations");
        return DEFAULT_ANNOTATIONS.stream().anyMatch(k -> "true".equals(ann.path(k).asText()));
    }
}
