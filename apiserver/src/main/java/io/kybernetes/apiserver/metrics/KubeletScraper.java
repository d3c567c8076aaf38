package io.kybernetes.apiserver.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.config.KubeletClientConfig;
import io.kybernetes.apiserver.config.KubeletClientTls;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Scrapes every node's kubelet ({@code GET /stats/summary} on the node's InternalIP and kubeletEndpoint port) once
 * per {@code --metric-resolution} (15 s, metrics-server's default) into {@link MetricsStorage}. This is the work of
 * upstream's metrics-server add-on behind an aggregated APIService; here the apiserver does it itself, so the
 * metrics API needs no extra process, certificates or aggregation layer.
 */
@ApplicationScoped
public class KubeletScraper {

    private static final Logger LOG = Logger.getLogger(KubeletScraper.class);

    private final MetricsStorage storage = new MetricsStorage();
    private final GenericStore store;
    private final Resource nodes;
    private final Vertx vertx;
    private final Duration resolution;
    private final Set<String> failing = new HashSet<>();
    private HttpClient client;
    private long timer = -1;

    private final KubeletClientTls tls;

    public KubeletScraper(GenericStore store, Registry registry, Vertx vertx, ApiserverConfig config,
            KubeletClientConfig kubeletClient) {
        this.tls = KubeletClientTls.of(kubeletClient);
        this.store = store;
        this.nodes = registry.resource("", "v1", "nodes").orElseThrow();
        this.vertx = vertx;
        this.resolution = config.metricResolution();
    }

    MetricsStorage storage() {
        return storage;
    }

    Duration resolution() {
        return resolution;
    }

    void onStart(@Observes StartupEvent e) {
        long timeout = Math.max(1000, resolution.toMillis() - 1000);
        client = vertx.createHttpClient(tls.apply(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(timeout, 5000)).setIdleTimeout(30)));
        timer = vertx.setPeriodic(1000, resolution.toMillis(), t -> scrape());
        LOG.infof("metrics API: scraping kubelets every %ds", resolution.toSeconds());
    }

    void onStop(@Observes ShutdownEvent e) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round: every node in the store, concurrently; nodes that are gone are forgotten. */
    void scrape() {
        store.list(nodes, null, o -> true).whenComplete((list, t) -> {
            if (t != null) {
                LOG.debugf("metrics: cannot list nodes: %s", t.toString());
                return;
            }
            Set<String> names = new HashSet<>();
            for (JsonNode n : list.path("items")) {
                String name = Json.str(n, "metadata.name");
                names.add(name);
                scrape((ObjectNode) n).whenComplete((s, err) -> {
                    if (err != null) {
                        storage.forget(name);
                        synchronized (failing) {
                            if (failing.add(name)) {
                                LOG.warnf("metrics: failed to scrape node %s: %s", name, err.getMessage());
                            }
                        }
                        return;
                    }
                    synchronized (failing) {
                        failing.remove(name);
                    }
                    storage.store(s);
                });
            }
            storage.retainNodes(names);
        });
    }

    private CompletableFuture<Summary> scrape(ObjectNode node) {
        CompletableFuture<Summary> done = new CompletableFuture<>();
        String name = Json.str(node, "metadata.name");
        String ip = address(node);
        if (ip == null) {
            done.completeExceptionally(new IOException("node has no address"));
            return done;
        }
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(10250);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(ip).setPort(port)
                .setURI("/stats/summary").setSsl(tls.secure()).setTimeout(Math.max(1000, resolution.toMillis() - 1000));
        client.request(ro).compose(req -> req.send()).compose(resp -> {
            if (resp.statusCode() != 200) {
                return resp.body().map(b -> {
                    throw new IllegalStateException("GET " + tls.scheme() + "://" + ip + ":" + port + "/stats/summary answered "
                            + resp.statusCode());
                });
            }
            return resp.body();
        }).onComplete(ar -> {
            if (ar.failed()) {
                done.completeExceptionally(ar.cause());
                return;
            }
            try {
                done.complete(Summary.parse(name, Json.parse(ar.result().getBytes())));
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(new IOException("unreadable summary from " + ip + ":" + port + ": "
                        + e.getMessage()));
            }
        });
        return done;
    }

    /** The node's InternalIP, else its first address. */
    static String address(JsonNode node) {
        JsonNode addresses = node.path("status").path("addresses");
        for (JsonNode a : addresses) {
            if (a.path("type").asText().equals("InternalIP")) {
                return a.path("address").asText();
            }
        }
        return addresses.size() > 0 ? addresses.get(0).path("address").asText() : null;
    }
}
