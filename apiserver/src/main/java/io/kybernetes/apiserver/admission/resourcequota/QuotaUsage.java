package io.kybernetes.apiserver.admission.resourcequota;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.Quantity;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.registry.ResourceType;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WriteResult;

/** Reads quotas, computes a namespace's usage of a quota's resources from the stored objects, writes quota status. */
@ApplicationScoped
public class QuotaUsage {

    static final String PREFIX = "/registry/resourcequotas/";

    private final EtcdStore store;
    private final Instance<Registry> registry;

    public QuotaUsage(EtcdStore store, Instance<Registry> registry) {
        this.store = store;
        this.registry = registry;
    }

    /** The stored quotas of a namespace (all namespaces for null). */
    public CompletableFuture<List<StoredValue>> quotas(String ns) {
        return store.list(ns == null ? PREFIX : PREFIX + ns + "/").thenApply(l -> l.items());
    }

    /** The (group, resource) pairs whose objects count towards {@code hard}'s resources. */
    static Set<List<String>> sources(Set<String> hard) {
        Set<List<String>> out = new LinkedHashSet<>();
        for (String h : hard) {
            if (h.startsWith("count/")) {
                String gr = h.substring(6);
                int dot = gr.indexOf('.');
                out.add(dot < 0 ? List.of("", gr) : List.of(gr.substring(dot + 1), gr.substring(0, dot)));
            } else if (h.equals("pods") || h.equals("cpu") || h.equals("memory") || h.equals("ephemeral-storage")
                    || h.startsWith("requests.") && !h.equals("requests.storage") || h.startsWith("limits.")) {
                out.add(List.of("", "pods"));
            } else if (h.startsWith("services")) {
                out.add(List.of("", "services"));
            } else if (h.equals("requests.storage") || h.contains(".storageclass.storage.k8s.io/")) {
                out.add(List.of("", "persistentvolumeclaims"));
            } else if (Usage.LEGACY_COUNTS.contains(h)) {
                out.add(List.of("", h));
            }
        }
        return out;
    }

    private Optional<Resource> resource(String group, String plural) {
        Registry r = registry.get();
        return r.all().stream().filter(t -> t.group().equals(group) && t.resource().equals(plural)).findFirst()
                .flatMap((ResourceType t) -> r.resource(group, t.version(), plural));
    }

    /** The namespace's current usage of {@code hard}'s resources (zero for those nothing uses). */
    public CompletableFuture<Map<String, Quantity>> usage(String ns, Set<String> hard) {
        Map<String, Quantity> used = new TreeMap<>();
        hard.forEach(h -> used.put(h, Quantity.ZERO));
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (List<String> gr : sources(hard)) {
            Optional<Resource> r = resource(gr.get(0), gr.get(1));
            if (r.isEmpty()) {
                continue;
            }
            all = all.thenCompose(v -> store.list(r.get().prefix(ns)).thenAccept(l -> {
                for (StoredValue sv : l.items()) {
                    Usage.of(gr.get(0), gr.get(1), GenericStore.decode(sv)).forEach((k, q) -> {
                        if (hard.contains(k)) {
                            used.merge(k, q, Quantity::add);
                        }
                    });
                }
            }));
        }
        return all.thenApply(v -> used);
    }

    /** Writes status.hard (= spec.hard) and status.used, if the quota did not change since it was read. */
    public CompletableFuture<Boolean> writeStatus(StoredValue stored, Map<String, Quantity> used) {
        ObjectNode quota = GenericStore.decode(stored);
        ObjectNode status = Json.with(quota, "status");
        status.set("hard", quota.path("spec").path("hard").deepCopy());
        ObjectNode u = status.putObject("used");
        used.forEach((k, v) -> u.put(k, v.toString()));
        if (status.equals(GenericStore.decode(stored).path("status"))) {
            return CompletableFuture.completedFuture(true);
        }
        Json.with(quota, "metadata").remove("resourceVersion");
        return store.update(stored.key(), Json.bytes(quota), stored.modRevision()).thenApply(WriteResult::succeeded);
    }

    /** Whether status.hard matches spec.hard and status.used has every hard resource. */
    static boolean statusKnown(JsonNode quota) {
        JsonNode hard = quota.path("spec").path("hard");
        if (!hard.equals(quota.path("status").path("hard"))) {
            return false;
        }
        List<String> missing = new ArrayList<>();
        hard.fieldNames().forEachRemaining(k -> {
            if (!quota.path("status").path("used").has(k)) {
                missing.add(k);
            }
        });
        return missing.isEmpty();
    }
}
