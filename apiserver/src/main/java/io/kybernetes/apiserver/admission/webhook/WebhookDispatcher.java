package io.kybernetes.apiserver.admission.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.storage.EtcdStore;

/**
 * What both webhook plugins share: which webhooks a request goes to (rules with matchPolicy, namespaceSelector,
 * objectSelector, dry-run safety) and one call with its failurePolicy applied.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    static final String GROUP = "admissionregistration.k8s.io";

    private final WebhookCaller caller;
    private final EtcdStore store;
    private final Registry registry;

    public WebhookDispatcher(WebhookCaller caller, EtcdStore store, Registry registry) {
        this.caller = caller;
        this.store = store;
        this.registry = registry;
    }

    /** The version the request's object is in (its apiVersion), else the group's preferred one. */
    String version(AdmissionRequest a) {
        ObjectNode o = a.object() != null ? a.object() : a.oldObject();
        String apiVersion = o == null ? "" : o.path("apiVersion").asText("");
        if (!apiVersion.isEmpty()) {
            return apiVersion.substring(apiVersion.indexOf('/') + 1);
        }
        List<String> versions = registry.versions(a.group());
        return versions.isEmpty() ? "v1" : versions.get(0);
    }

    /** Whether webhooks are asked about this request at all: never about webhook configurations themselves. */
    static boolean subject(AdmissionRequest a) {
        return !a.group().equals(GROUP);
    }

    /** The webhooks of {@code all} whose rules and selectors cover the request, in order. */
    CompletableFuture<List<Webhook>> matching(List<Webhook> all, AdmissionRequest a, String version) {
        if (all.isEmpty() || !subject(a)) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<String> equivalent = new ArrayList<>(List.of(version));
        for (String v : registry.versions(a.group())) {
            if (!equivalent.contains(v) && registry.resource(a.group(), v, a.resource()).isPresent()) {
                equivalent.add(v);
            }
        }
        boolean namespaced = !a.namespace().isEmpty() && !a.isCore("namespaces");
        List<Webhook> candidates = new ArrayList<>();
        boolean needNamespace = false;
        for (Webhook w : all) {
            List<String> versions = w.exactMatch() ? List.of(version) : equivalent;
            boolean rules = versions.stream().anyMatch(v -> w.matchesRules(a.operation().name(), a.group(), v,
                    a.resource(), a.subresource(), namespaced));
            if (rules && objectSelected(w.objectSelector(), a)) {
                candidates.add(w);
                needNamespace |= namespaced && !w.namespaceSelector().isEmpty();
            }
        }
        if (candidates.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<JsonNode> labels;
        if (a.group().isEmpty() && a.resource().equals("namespaces")) {
            ObjectNode o = a.object() != null ? a.object() : a.oldObject();
            labels = CompletableFuture.completedFuture(o == null ? null : o.path("metadata").path("labels"));
        } else if (needNamespace) {
            labels = store.get("/registry/namespaces/" + a.namespace()).thenApply(v -> v.isEmpty() ? null
                    : GenericStore.decode(v.get()).path("metadata").path("labels"));
        } else {
            labels = CompletableFuture.completedFuture(null);
        }
        boolean ns = namespaced || a.isCore("namespaces");
        return labels.thenApply(l -> candidates.stream()
                .filter(w -> !ns || w.namespaceSelector().isEmpty() || l != null && w.namespaceSelector().matches(l))
                .toList());
    }

    /** objectSelector: the new or the old object's labels match (upstream's either-matches rule). */
    static boolean objectSelected(LabelSelector s, AdmissionRequest a) {
        if (s.isEmpty()) {
            return true;
        }
        return a.object() != null && s.matches(a.object().path("metadata").path("labels"))
                || a.oldObject() != null && s.matches(a.oldObject().path("metadata").path("labels"));
    }

    /**
     * Calls one webhook about {@code a}. Completes with its verdict; a refusal is a failed future with the webhook's
     * Status; a failed call is a 500 with failurePolicy Fail, an allowing verdict (with no patch) with Ignore.
     */
    CompletableFuture<AdmissionReviews.Verdict> call(Webhook w, AdmissionRequest a, String version, boolean mutating) {
        if (a.dryRun() && !w.dryRunSafe()) {
            return CompletableFuture.failedFuture(ApiException.badRequest("admission webhook \"" + w.name()
                    + "\" does not support dry run"));
        }
        String uid = UUID.randomUUID().toString();
        ObjectNode review = AdmissionReviews.request(uid, a, version);
        return caller.call(w, review)
                .thenApply(body -> AdmissionReviews.response(w.name(), uid, body, mutating))
                .handle((verdict, t) -> {
                    if (t == null) {
                        verdict.warnings().forEach(a::warn);
                        if (!verdict.allowed()) {
                            throw verdict.denial();
                        }
                        return verdict;
                    }
                    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                    String why = c instanceof AdmissionReviews.InvalidResponse
                            ? "received invalid webhook response: " + c.getMessage()
                            : "failed to call webhook: " + c.getMessage();
                    if (w.failOpen()) {
                        LOG.infof("failed calling webhook \"%s\" (failurePolicy Ignore): %s", w.name(), why);
                        return new AdmissionReviews.Verdict(true, null, null, List.of());
                    }
                    LOG.infof("failed calling webhook \"%s\": %s", w.name(), why);
                    throw ApiException.internal("failed calling webhook \"" + w.name() + "\": " + why);
                });
    }
}
