package io.kybernetes.apiserver.admission.podsecurity;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.admission.ValidatingPlugin;
import io.kybernetes.apiserver.admission.podsecurity.PodSecurityStandards.Level;
import io.kybernetes.apiserver.admission.podsecurity.PodSecurityStandards.Violation;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;

/**
 * Upstream's PodSecurity admission: the namespace's labels {@code pod-security.kubernetes.io/enforce|warn|audit}
 * (levels privileged, baseline, restricted; {@code -version} labels, default {@code latest}) decide. A new pod that
 * violates the enforce level is refused (403, {@code violates PodSecurity "baseline:latest": ...}); one that
 * violates the warn level, and any workload whose pod template would, gets a {@code Warning} (kubectl prints
 * {@code Warning: would violate PodSecurity ...}). The audit level needs an audit log, which this apiserver does
 * not write yet. A label with an unknown level counts as restricted.
 */
@ApplicationScoped
public class PodSecurity implements ValidatingPlugin {

    public static final String NAME = "PodSecurity";
    static final String PREFIX = "pod-security.kubernetes.io/";
    static final Set<String> WORKLOADS = Set.of("deployments", "replicasets", "statefulsets", "daemonsets", "jobs",
            "cronjobs", "replicationcontrollers", "podtemplates");

    private final EtcdStore store;

    public PodSecurity(EtcdStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest a) {
        if (a.namespace().isEmpty() || !a.subresource().isEmpty() || a.object() == null) {
            return CompletableFuture.completedFuture(null);
        }
        boolean pod = a.group().isEmpty() && a.resource().equals("pods");
        JsonNode spec = pod ? a.object().path("spec") : template(a.resource(), a.object());
        if (spec == null || pod && a.operation() != Operation.CREATE
                || !pod && a.operation() != Operation.CREATE && a.operation() != Operation.UPDATE) {
            return CompletableFuture.completedFuture(null);
        }
        return store.get("/registry/namespaces/" + a.namespace()).thenAccept(v -> {
            if (v.isEmpty()) {
                return;
            }
            JsonNode labels = GenericStore.decode(v.get()).path("metadata").path("labels");
            if (pod) {
                String enforce = policy(labels, "enforce");
                List<Violation> refused = PodSecurityStandards.check(level(labels, "enforce"), spec);
                if (!refused.isEmpty()) {
                    throw a.forbidden("violates PodSecurity \"" + enforce + "\": " + join(refused));
                }
            }
            List<Violation> warned = PodSecurityStandards.check(level(labels, "warn"), spec);
            if (!warned.isEmpty()) {
                a.warn("would violate PodSecurity \"" + policy(labels, "warn") + "\": " + join(warned));
            }
        });
    }

    /** The pod spec in a workload's template (null for other kinds). */
    static JsonNode template(String resource, JsonNode obj) {
        if (!WORKLOADS.contains(resource)) {
            return null;
        }
        JsonNode t = switch (resource) {
            case "cronjobs" -> obj.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            case "podtemplates" -> obj.path("template").path("spec");
            default -> obj.path("spec").path("template").path("spec");
        };
        return t.isMissingNode() ? null : t;
    }

    static Level level(JsonNode labels, String mode) {
        String v = labels.path(PREFIX + mode).asText("privileged");
        return switch (v) {
            case "privileged" -> Level.PRIVILEGED;
            case "baseline" -> Level.BASELINE;
            default -> Level.RESTRICTED;
        };
    }

    /** {@code level:version} as upstream prints the policy. */
    static String policy(JsonNode labels, String mode) {
        return level(labels, mode).name().toLowerCase(Locale.ROOT) + ":"
                + labels.path(PREFIX + mode + "-version").asText("latest");
    }

    static String join(List<Violation> violations) {
        return violations.stream().map(Violation::toString).collect(Collectors.joining(", "));
    }
}
