package io.kybernetes.apiserver.admission.namespace;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MutatingPlugin;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.admission.ValidatingPlugin;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.storage.EtcdStore;

/**
 * Upstream's NamespaceLifecycle: nothing is created in a namespace that does not exist (404) or is being terminated
 * (403, cause NamespaceTerminating), and the system namespaces cannot be deleted (403). The create check runs in the
 * mutating phase, first of all plugins, so that a missing namespace is reported as such rather than by a later
 * plugin's lookup in it (upstream's informer-backed plugins do not look anything up for a missing namespace).
 */
@ApplicationScoped
public class NamespaceLifecycle implements MutatingPlugin, ValidatingPlugin {

    public static final String NAME = "NamespaceLifecycle";
    static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

    private final EtcdStore store;

    public NamespaceLifecycle(EtcdStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        if (a.operation() != Operation.CREATE || a.namespace().isEmpty() || a.isCore("namespaces")) {
            return CompletableFuture.completedFuture(null);
        }
        String ns = a.namespace();
        return store.get("/registry/namespaces/" + ns).thenAccept(v -> {
            if (v.isEmpty()) {
                throw ApiException.notFound("", "namespaces", ns);
            }
            if (!Json.str(GenericStore.decode(v.get()), "metadata.deletionTimestamp").isEmpty()) {
                throw terminating(a);
            }
        });
    }

    /** Upstream's refusal of new content in a terminating namespace. */
    static ApiException terminating(AdmissionRequest a) {
        String why = "unable to create new content in namespace " + a.namespace() + " because it is being terminated";
        ApiException f = a.forbidden(why);
        return new ApiException(403, "Forbidden", f.getMessage(), a.name().isEmpty() ? null : a.name(), a.group(),
                a.resource(), List.of(new Cause("NamespaceTerminating", "metadata.namespace",
                        "namespace " + a.namespace() + " is being terminated")), null);
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest a) {
        if (a.operation() == Operation.DELETE && a.isCore("namespaces") && IMMORTAL.contains(a.name())) {
            throw a.forbidden("this namespace may not be deleted");
        }
        return CompletableFuture.completedFuture(null);
    }
}
