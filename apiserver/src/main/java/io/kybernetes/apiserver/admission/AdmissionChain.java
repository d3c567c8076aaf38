package io.kybernetes.apiserver.admission;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.registry.Resource;
import io.quarkus.runtime.Startup;

/**
 * The admission chain: the enabled plugins in upstream's fixed order, run as upstream does around the generic
 * store's writes (mutating plugins first, then the kind's own validation, then the validating plugins). Which
 * plugins run is upstream's default-on set restricted to what is implemented here, changed by
 * {@code --enable-admission-plugins} and {@code --disable-admission-plugins}; a name that is not known is a
 * start-up error, as upstream.
 */
@ApplicationScoped
@Startup
public class AdmissionChain {

    private static final Logger LOG = Logger.getLogger(AdmissionChain.class);

    /** Upstream's plugin order (AllOrderedPlugins), every name it registers. */
    static final List<String> UPSTREAM_ORDER = List.of("AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle",
            "NamespaceExists", "LimitPodHardAntiAffinityTopology", "LimitRanger", "ServiceAccount", "NodeRestriction",
            "TaintNodesByCondition", "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurity", "PodNodeSelector",
            "Priority", "DefaultTolerationSeconds", "PodTolerationRestriction", "EventRateLimit",
            "ExtendedResourceToleration", "PersistentVolumeLabel", "DefaultStorageClass",
            "StorageObjectInUseProtection", "OwnerReferencesPermissionEnforcement", "PersistentVolumeClaimResize",
            "RuntimeClass", "CertificateApproval", "CertificateSigning", "ClusterTrustBundleAttest",
            "CertificateSubjectRestriction", "DefaultIngressClass", "DenyServiceExternalIPs", "PodTopologyLabels",
            "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota",
            "AlwaysDeny");

    /** Upstream's default-on plugins (v1.32). */
    static final Set<String> UPSTREAM_DEFAULT_ON = Set.of("NamespaceLifecycle", "LimitRanger", "ServiceAccount",
            "TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass",
            "StorageObjectInUseProtection", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval",
            "CertificateSigning", "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
            "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota");

    private final List<MutatingPlugin> mutating = new ArrayList<>();
    private final List<ValidatingPlugin> validating = new ArrayList<>();

    public AdmissionChain(ApiserverConfig config, Instance<AdmissionPlugin> available) {
        Map<String, AdmissionPlugin> byName = available.stream()
                .collect(Collectors.toMap(AdmissionPlugin::name, Function.identity()));
        List<String> enabled = enabled(split(config.enableAdmissionPlugins()),
                split(config.disableAdmissionPlugins()), byName.keySet());
        for (String name : enabled) {
            AdmissionPlugin p = byName.get(name);
            if (p instanceof MutatingPlugin m) {
                mutating.add(m);
            }
            if (p instanceof ValidatingPlugin v) {
                validating.add(v);
            }
        }
        LOG.infof("admission plugins: %s", String.join(",", enabled));
    }

    private static List<String> split(Optional<String> flag) {
        return flag.map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
    }

    /**
     * The plugins that run, in upstream's order: the default-on ones that are {@code implemented}, plus
     * {@code enable}, less {@code disable}. An enabled name must be implemented; a disabled one must be implemented
     * or one of upstream's (disabling a plugin this server lacks changes nothing); a name in both lists is refused.
     */
    static List<String> enabled(List<String> enable, List<String> disable, Set<String> implemented) {
        List<String> errors = new ArrayList<>();
        for (String p : enable) {
            if (!implemented.contains(p)) {
                errors.add("enable-admission-plugins plugin \"" + p + "\" is unknown"
                        + (UPSTREAM_ORDER.contains(p) ? " (not implemented by kybernetes)" : ""));
            }
        }
        for (String p : disable) {
            if (!implemented.contains(p) && !UPSTREAM_ORDER.contains(p)) {
                errors.add("disable-admission-plugins plugin \"" + p + "\" is unknown");
            }
        }
        Set<String> both = new LinkedHashSet<>(enable);
        both.retainAll(disable);
        if (!both.isEmpty()) {
            errors.add(both + " in enable-admission-plugins and disable-admission-plugins overlapped");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        Set<String> on = new LinkedHashSet<>();
        for (String p : UPSTREAM_ORDER) {
            if ((UPSTREAM_DEFAULT_ON.contains(p) && implemented.contains(p) || enable.contains(p))
                    && !disable.contains(p)) {
                on.add(p);
            }
        }
        return List.copyOf(on);
    }

    /** A request for a write to {@code r}, by the current request's user (see {@link RequestScope}). */
    public AdmissionRequest request(Resource r, String ns, String name, String subresource, Operation op,
            ObjectNode obj, ObjectNode old, boolean dryRun) {
        RequestScope.Scope scope = RequestScope.current();
        return new AdmissionRequest(r.group(), r.name(), r.type().kind(), ns, name, subresource, op, obj, old,
                scope.user(), dryRun, scope.warnings());
    }

    /** The mutating phase: each enabled mutating plugin in turn; the first refusal ends it. */
    public CompletableFuture<Void> admit(AdmissionRequest request) {
        CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
        for (MutatingPlugin p : mutating) {
            f = f.thenCompose(v -> run(() -> p.admit(request)));
        }
        return f;
    }

    /** The validating phase: each enabled validating plugin in turn; the first refusal ends it. */
    public CompletableFuture<Void> validate(AdmissionRequest request) {
        CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
        for (ValidatingPlugin p : validating) {
            f = f.thenCompose(v -> run(() -> p.validate(request)));
        }
        return f;
    }

    private static CompletableFuture<Void> run(java.util.function.Supplier<CompletableFuture<Void>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
