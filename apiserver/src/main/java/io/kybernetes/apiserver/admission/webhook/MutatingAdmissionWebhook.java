package io.kybernetes.apiserver.admission.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MutatingPlugin;
import io.kybernetes.apiserver.patch.JsonPatch;
import io.kybernetes.apiserver.status.ApiException;

/**
 * Upstream's MutatingAdmissionWebhook: after the built-in mutating plugins, each matching mutating webhook is
 * called in turn with the object as the previous one left it; a JSONPatch it returns is applied to the request's
 * object in place. A webhook with reinvocationPolicy IfNeeded whose result a later webhook changed is called once
 * more after all have run, as upstream's reinvocation (the built-in plugins are not run again).
 */
@ApplicationScoped
public class MutatingAdmissionWebhook implements MutatingPlugin {

    public static final String NAME = "MutatingAdmissionWebhook";

    private final WebhookConfigurations configurations;
    private final WebhookDispatcher dispatcher;

    public MutatingAdmissionWebhook(WebhookConfigurations configurations, WebhookDispatcher dispatcher) {
        this.configurations = configurations;
        this.dispatcher = dispatcher;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        String version = dispatcher.version(a);
        return dispatcher.matching(configurations.mutating(), a, version).thenCompose(hooks -> {
            // the object as each IfNeeded webhook left it, to call it once more if a later one changed it
            Map<Webhook, JsonNode> after = new LinkedHashMap<>();
            return chain(hooks, 0, a, version, after).thenCompose(v -> {
                List<Webhook> again = after.entrySet().stream()
                        .filter(e -> a.object() != null && !e.getValue().equals(a.object())).map(Map.Entry::getKey)
                        .toList();
                return again.isEmpty() ? CompletableFuture.completedFuture(null)
                        : chain(again, 0, a, version, null);
            });
        });
    }

    private CompletableFuture<Void> chain(List<Webhook> hooks, int i, AdmissionRequest a, String version,
            Map<Webhook, JsonNode> after) {
        if (i == hooks.size()) {
            return CompletableFuture.completedFuture(null);
        }
        Webhook w = hooks.get(i);
        // objectSelector is evaluated against the object as the earlier webhooks left it
        if (!WebhookDispatcher.objectSelected(w.objectSelector(), a)) {
            return chain(hooks, i + 1, a, version, after);
        }
        return dispatcher.call(w, a, version, true).thenCompose(verdict -> {
            if (verdict.patch() != null && a.object() != null) {
                apply(w, a.object(), verdict.patch());
            }
            if (after != null && w.reinvoke() && a.object() != null) {
                after.put(w, a.object().deepCopy());
            }
            return chain(hooks, i + 1, a, version, after);
        });
    }

    /** Applies the patch to {@code object} in place (the store holds that very node). */
    static void apply(Webhook w, ObjectNode object, JsonNode patch) {
        JsonNode patched;
        try {
            patched = JsonPatch.apply(object, patch);
        } catch (IllegalArgumentException e) {
            throw ApiException.internal("failed calling webhook \"" + w.name()
                    + "\": received invalid webhook response: the patch cannot be applied: " + e.getMessage());
        }
        if (!(patched instanceof ObjectNode o)) {
            throw ApiException.internal("failed calling webhook \"" + w.name()
                    + "\": received invalid webhook response: the patched object is not an object");
        }
        object.removeAll();
        object.setAll(o);
    }
}
