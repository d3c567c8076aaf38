package io.kybernetes.apiserver.admission.webhook;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.ValidatingPlugin;

/**
 * Upstream's ValidatingAdmissionWebhook: after the built-in validation, every matching validating webhook is called
 * in parallel; any refusal (or failure under failurePolicy Fail) refuses the request.
 */
@ApplicationScoped
public class ValidatingAdmissionWebhook implements ValidatingPlugin {

    public static final String NAME = "ValidatingAdmissionWebhook";

    private final WebhookConfigurations configurations;
    private final WebhookDispatcher dispatcher;

    public ValidatingAdmissionWebhook(WebhookConfigurations configurations, WebhookDispatcher dispatcher) {
        this.configurations = configurations;
        this.dispatcher = dispatcher;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest a) {
        String version = dispatcher.version(a);
        return dispatcher.matching(configurations.validating(), a, version).thenCompose(hooks -> {
            CompletableFuture<?>[] calls = hooks.stream().map(w -> dispatcher.call(w, a, version, false))
                    .toArray(CompletableFuture[]::new);
            return first(calls);
        });
    }

    /** Completes when all did, failing with the first failure in webhook order (not the first to arrive). */
    private static CompletableFuture<Void> first(CompletableFuture<?>[] calls) {
        return CompletableFuture.allOf(calls).handle((v, t) -> {
            for (CompletableFuture<?> c : calls) {
                if (c.isCompletedExceptionally()) {
                    c.join(); // rethrows its failure
                }
            }
            return null;
        });
    }
}
