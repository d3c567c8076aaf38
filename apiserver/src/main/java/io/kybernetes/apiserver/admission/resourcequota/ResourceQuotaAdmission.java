package io.kybernetes.apiserver.admission.resourcequota;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.admission.Quantity;
import io.kybernetes.apiserver.admission.ValidatingPlugin;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.storage.StoredValue;

/**
 * Upstream's ResourceQuota plugin for creates: what the new object uses (see {@link Usage}) is added to each
 * matching quota's status.used; a create that would pass a quota's hard limit is refused with upstream's message
 * ({@code exceeded quota: q, requested: ..., used: ..., limited: ...}), a pod that does not declare a limited
 * compute resource with {@code failed quota: q: must specify ...}. The new usage is written with a compare-and-swap
 * on each quota (not on dry runs); a lost race evaluates again. A quota whose status is not known yet (new, or its
 * hard limits changed) is first measured from the stored objects; {@link QuotaRecalculator} corrects usage that
 * deletions freed.
 */
@ApplicationScoped
public class ResourceQuotaAdmission implements ValidatingPlugin {

    public static final String NAME = "ResourceQuota";
    static final int ATTEMPTS = 8;

    private final QuotaUsage quotas;

    public ResourceQuotaAdmission(QuotaUsage quotas) {
        this.quotas = quotas;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest a) {
        if (a.operation() != Operation.CREATE || a.namespace().isEmpty() || !a.subresource().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, Quantity> delta = Usage.of(a.group(), a.resource(), a.object());
        return attempt(a, delta, 0);
    }

    private CompletableFuture<Void> attempt(AdmissionRequest a, Map<String, Quantity> delta, int n) {
        return quotas.quotas(a.namespace()).thenCompose(list -> {
            List<CompletableFuture<Map.Entry<StoredValue, Map<String, Quantity>>>> plans = new ArrayList<>();
            for (StoredValue sv : list) {
                plans.add(plan(a, delta, sv));
            }
            return CompletableFuture.allOf(plans.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                if (a.dryRun()) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<Boolean> written = CompletableFuture.completedFuture(true);
                for (var p : plans) {
                    var plan = p.join();
                    if (plan != null) {
                        written = written.thenCompose(ok -> ok ? quotas.writeStatus(plan.getKey(), plan.getValue())
                                : CompletableFuture.completedFuture(false));
                    }
                }
                return written.thenCompose(ok -> {
                    if (ok) {
                        return CompletableFuture.completedFuture(null);
                    }
                    if (n + 1 >= ATTEMPTS) {
                        throw new ApiException(409, "Conflict", a.forbidden("").getMessage().replace("is forbidden: ",
                                "could not be admitted: ") + "too many conflicts updating the resource quota");
                    }
                    return attempt(a, delta, n + 1);
                });
            });
        });
    }

    /** The quota's new usage with the object (null when the quota does not cover it), or the refusal. */
    private CompletableFuture<Map.Entry<StoredValue, Map<String, Quantity>>> plan(AdmissionRequest a,
            Map<String, Quantity> delta, StoredValue sv) {
        ObjectNode quota = GenericStore.decode(sv);
        String name = quota.path("metadata").path("name").asText();
        if (!Scopes.matches(quota.path("spec"), a.group(), a.resource(), a.object())) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, Quantity> hard = Usage.parse(quota.path("spec").path("hard"));
        if (a.isCore("pods")) {
            Map<String, List<String>> missing = Usage.missing(a.object(), hard.keySet());
            if (!missing.isEmpty()) {
                List<String> parts = new ArrayList<>();
                missing.forEach((k, cs) -> parts.add(k + " for: " + String.join(",", cs)));
                throw a.forbidden("failed quota: " + name + ": must specify " + String.join("; ", parts));
            }
        }
        if (delta.keySet().stream().noneMatch(hard::containsKey)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Map<String, Quantity>> used = QuotaUsage.statusKnown(quota)
                ? CompletableFuture.completedFuture(Usage.parse(quota.path("status").path("used")))
                : quotas.usage(a.namespace(), hard.keySet());
        return used.thenApply(u -> {
            Map<String, Quantity> next = new TreeMap<>(u);
            Map<String, Quantity> requested = new TreeMap<>();
            Map<String, Quantity> usedNow = new TreeMap<>();
            Map<String, Quantity> limited = new TreeMap<>();
            for (Map.Entry<String, Quantity> d : delta.entrySet()) {
                Quantity h = hard.get(d.getKey());
                if (h == null) {
                    continue;
                }
                Quantity before = u.getOrDefault(d.getKey(), Quantity.ZERO);
                Quantity after = before.add(d.getValue());
                next.put(d.getKey(), after);
                if (after.compareTo(h) > 0) {
                    requested.put(d.getKey(), d.getValue());
                    usedNow.put(d.getKey(), before);
                    limited.put(d.getKey(), h);
                }
            }
            if (!requested.isEmpty()) {
                throw a.forbidden("exceeded quota: " + name + ", requested: " + Usage.print(requested) + ", used: "
                        + Usage.print(usedNow) + ", limited: " + Usage.print(limited));
            }
            for (String h : hard.keySet()) {
                next.putIfAbsent(h, Quantity.ZERO);
            }
            next.keySet().retainAll(hard.keySet());
            return Map.entry(sv, next);
        });
    }

    /** Upstream's quota scopes for pods: Terminating, NotTerminating, BestEffort, NotBestEffort. */
    static final class Scopes {
        private Scopes() {
        }

        static boolean matches(JsonNode spec, String group, String resource, JsonNode obj) {
            Set<String> scopes = new java.util.HashSet<>();
            spec.path("scopes").forEach(s -> scopes.add(s.asText()));
            if (scopes.isEmpty()) {
                return true;
            }
            if (!group.isEmpty() || !resource.equals("pods")) {
                return false;
            }
            JsonNode podSpec = obj.path("spec");
            boolean terminating = podSpec.hasNonNull("activeDeadlineSeconds");
            boolean bestEffort = bestEffort(podSpec);
            for (String s : scopes) {
                boolean ok = switch (s) {
                    case "Terminating" -> terminating;
                    case "NotTerminating" -> !terminating;
                    case "BestEffort" -> bestEffort;
                    case "NotBestEffort" -> !bestEffort;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        static boolean bestEffort(JsonNode spec) {
            for (String list : new String[] {"initContainers", "containers"}) {
                for (JsonNode c : spec.path(list)) {
                    if (!c.path("resources").path("requests").isEmpty() || !c.path("resources").path("limits").isEmpty()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
