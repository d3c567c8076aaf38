package io.kybernetes.apiserver.allocation;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Frees node ports no Service holds any more (as upstream's node port repair loop): a port whose claim key exists
 * while no stored Service uses it as a node port or health check node port leaked (an apiserver that died between
 * claiming and storing, or a Service update that changed its ports). A claim is only released after it was seen
 * unused in {@link #STRIKES} passes in a row, so a create in flight (claimed, not yet stored) keeps its port.
 */
@ApplicationScoped
public class PortRepair {

    private static final Logger LOG = Logger.getLogger(PortRepair.class);
    static final String SERVICES = "/registry/services/";
    static final int STRIKES = 3;
    /** Not final: tests may shorten it. */
    static long periodMillis = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EtcdStore store;
    private final Vertx vertx;
    private final Map<Integer, Integer> strikes = new HashMap<>();
    private long timer = -1;

    public PortRepair(EtcdStore store, Vertx vertx) {
        this.store = store;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent ev) {
        timer = vertx.setPeriodic(periodMillis, periodMillis, t -> repair().exceptionally(e -> {
            LOG.debugf("node port repair pass failed: %s", e.getMessage());
            return List.of();
        }));
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One pass; completes with the ports it released. */
    public CompletableFuture<List<Integer>> repair() {
        return store.list(SERVICES).thenCompose(services -> store.list(ServiceAllocator.PORTS).thenCompose(claims -> {
            Set<Integer> used = new HashSet<>();
            for (StoredValue v : services.items()) {
                Set<Integer> ports = portsOf(v.value());
                if (ports == null) {
                    LOG.debugf("node port repair skipped: %s is not JSON", v.key());
                    return CompletableFuture.completedFuture(List.<Integer>of());
                }
                used.addAll(ports);
            }
            Set<Integer> claimed = new HashSet<>();
            for (StoredValue v : claims.items()) {
                try {
                    claimed.add(Integer.parseInt(v.key().substring(ServiceAllocator.PORTS.length())));
                } catch (NumberFormatException e) {
                    // not a port key
                }
            }
            List<Integer> release = leaked(claimed, used);
            CompletableFuture<?>[] all = release.stream().map(p -> {
                LOG.infof("releasing node port %d: no Service has used it for %d repair passes", p, STRIKES);
                return store.deleteKey(ServiceAllocator.PORTS + p);
            }).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(all).thenApply(v -> release);
        }));
    }

    /** Counts a strike for every claimed port no Service uses; the ports at {@link #STRIKES} are to be released. */
    synchronized List<Integer> leaked(Set<Integer> claimed, Set<Integer> used) {
        strikes.keySet().retainAll(claimed);
        strikes.keySet().removeAll(used);
        List<Integer> out = new java.util.ArrayList<>();
        for (int p : claimed) {
            if (used.contains(p)) {
                continue;
            }
            int n = strikes.merge(p, 1, Integer::sum);
            if (n >= STRIKES) {
                out.add(p);
                strikes.remove(p);
            }
        }
        out.sort(null);
        return out;
    }

    /** The node ports and the health check node port a stored Service holds; null when it cannot be read. */
    static Set<Integer> portsOf(byte[] service) {
        Set<Integer> out = new HashSet<>();
        try {
            JsonNode spec = JSON.readTree(service).path("spec");
            for (JsonNode p : spec.path("ports")) {
                if (p.path("nodePort").asInt(0) > 0) {
                    out.add(p.path("nodePort").asInt());
                }
            }
            if (spec.path("healthCheckNodePort").asInt(0) > 0) {
                out.add(spec.path("healthCheckNodePort").asInt());
            }
        } catch (IOException e) {
            return null; // its ports are unknown: the pass releases nothing
        }
        return out;
    }
}
