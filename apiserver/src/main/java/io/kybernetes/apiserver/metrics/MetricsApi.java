package io.kybernetes.apiserver.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.selection.FieldSelector;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.MultiMap;

/**
 * {@code metrics.k8s.io/v1beta1} as metrics-server serves it: NodeMetrics ({@code nodes}) and PodMetrics
 * ({@code pods}, namespaced or across all namespaces), get and list with label and field selectors. The figures
 * come from {@link KubeletScraper}; the objects and their labels from the store, so a selector selects by the
 * node's or pod's labels, and only pods and nodes that exist (and have two samples) have metrics.
 */
@ApplicationScoped
public class MetricsApi {

    public static final String GROUP = "metrics.k8s.io";
    public static final String VERSION = "v1beta1";
    static final String API_VERSION = GROUP + "/" + VERSION;
    private static final List<String> VERBS = List.of("get", "list");

    private final GenericStore store;
    private final Resource pods;
    private final Resource nodes;
    private final KubeletScraper scraper;

    public MetricsApi(GenericStore store, Registry registry, KubeletScraper scraper) {
        this.store = store;
        this.scraper = scraper;
        this.pods = registry.resource("", "v1", "pods").orElseThrow();
        this.nodes = registry.resource("", "v1", "nodes").orElseThrow();
    }

    // ---- discovery

    /** The APIGroup of the metrics API, for /apis and /apis/metrics.k8s.io. */
    public static ObjectNode group() {
        ObjectNode g = Json.object();
        g.put("kind", "APIGroup");
        g.put("apiVersion", "v1");
        g.put("name", GROUP);
        g.putArray("versions").addObject().put("groupVersion", API_VERSION).put("version", VERSION);
        g.putObject("preferredVersion").put("groupVersion", API_VERSION).put("version", VERSION);
        return g;
    }

    /** The APIResourceList of metrics.k8s.io/v1beta1. */
    public static ObjectNode resourceList() {
        ObjectNode l = Json.object();
        l.put("kind", "APIResourceList");
        l.put("apiVersion", "v1");
        l.put("groupVersion", API_VERSION);
        ArrayNode list = l.putArray("resources");
        resource(list.addObject(), "nodes", false, "NodeMetrics");
        resource(list.addObject(), "pods", true, "PodMetrics");
        return l;
    }

    private static void resource(ObjectNode e, String name, boolean namespaced, String kind) {
        e.put("name", name);
        e.put("singularName", "");
        e.put("namespaced", namespaced);
        e.put("kind", kind);
        ArrayNode verbs = e.putArray("verbs");
        VERBS.forEach(verbs::add);
    }

    // ---- requests

    /**
     * Serves a request below /apis/metrics.k8s.io/v1beta1 that names a resource. Only GET of nodes and pods
     * (collections and items) exists; watches and writes answer 405 as metrics-server does.
     */
    public CompletableFuture<ObjectNode> serve(String version, boolean get, boolean watch, String namespace,
            String resource, String name, String subresource, MultiMap query) {
        if (!VERSION.equals(version) || subresource != null) {
            throw ApiException.pageNotFound();
        }
        boolean isPods = "pods".equals(resource);
        boolean isNodes = "nodes".equals(resource) && namespace == null;
        if (!isPods && !isNodes) {
            throw ApiException.pageNotFound();
        }
        if (!get || watch || "true".equalsIgnoreCase(query.get("watch")) || "1".equals(query.get("watch"))) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        return isPods ? pods(namespace, name, query) : nodes(name, query);
    }

    private CompletableFuture<ObjectNode> nodes(String name, MultiMap q) {
        MetricsStorage storage = scraper.storage();
        if (name != null) {
            return store.get(nodes, null, name).handle((node, t) -> {
                Optional<Usage> u = t == null ? storage.node(name) : Optional.empty();
                return nodeMetrics(node, u.orElseThrow(() -> ApiException.notFound(GROUP, "nodemetrics", name)));
            });
        }
        Predicate<ObjectNode> filter = filter(q, false);
        return store.list(nodes, null, filter).thenApply(list -> {
            ObjectNode out = emptyList("NodeMetricsList");
            ArrayNode items = out.putArray("items");
            for (JsonNode n : list.path("items")) {
                storage.node(Json.str(n, "metadata.name")).ifPresent(u -> items.add(nodeMetrics((ObjectNode) n, u)));
            }
            return out;
        });
    }

    private CompletableFuture<ObjectNode> pods(String ns, String name, MultiMap q) {
        MetricsStorage storage = scraper.storage();
        if (name != null) {
            return store.get(pods, ns, name).handle((pod, t) -> {
                Optional<MetricsStorage.PodUsage> u = t == null ? storage.pod(ns, name) : Optional.empty();
                return podMetrics(pod, u.orElseThrow(() -> ApiException.notFound(GROUP, "podmetrics", name)));
            });
        }
        Predicate<ObjectNode> filter = filter(q, true);
        return store.list(pods, ns, filter).thenApply(list -> {
            ObjectNode out = emptyList("PodMetricsList");
            ArrayNode items = out.putArray("items");
            for (JsonNode p : list.path("items")) {
                storage.pod(Json.str(p, "metadata.namespace"), Json.str(p, "metadata.name"))
                        .ifPresent(u -> items.add(podMetrics((ObjectNode) p, u)));
            }
            return out;
        });
    }

    private static Predicate<ObjectNode> filter(MultiMap q, boolean namespaced) {
        LabelSelector labels;
        FieldSelector fields;
        try {
            labels = LabelSelector.parse(q.get("labelSelector"));
            fields = FieldSelector.parse(q.get("fieldSelector"), namespaced
                    ? Set.of("metadata.name", "metadata.namespace") : Set.of("metadata.name"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return o -> labels.matches(o.path("metadata").get("labels")) && fields.matches(f -> Json.str(o, f));
    }

    private static ObjectNode emptyList(String kind) {
        ObjectNode l = Json.object();
        l.put("kind", kind);
        l.put("apiVersion", API_VERSION);
        l.putObject("metadata");
        return l;
    }

    static ObjectNode nodeMetrics(ObjectNode node, Usage u) {
        ObjectNode m = Json.object();
        m.put("kind", "NodeMetrics");
        m.put("apiVersion", API_VERSION);
        meta(m, node);
        m.put("timestamp", time(u.timeNanos()));
        m.put("window", Quantities.duration(u.windowNanos()));
        usage(m.putObject("usage"), u);
        return m;
    }

    static ObjectNode podMetrics(ObjectNode pod, MetricsStorage.PodUsage u) {
        ObjectNode m = Json.object();
        m.put("kind", "PodMetrics");
        m.put("apiVersion", API_VERSION);
        meta(m, pod);
        m.put("timestamp", time(u.timeNanos()));
        m.put("window", Quantities.duration(u.windowNanos()));
        ArrayNode containers = m.putArray("containers");
        for (MetricsStorage.ContainerUsage c : u.containers()) {
            ObjectNode e = containers.addObject();
            e.put("name", c.name());
            usage(e.putObject("usage"), c.usage());
        }
        return m;
    }

    private static void meta(ObjectNode m, ObjectNode object) {
        ObjectNode meta = m.putObject("metadata");
        meta.put("name", Json.str(object, "metadata.name"));
        String ns = Json.str(object, "metadata.namespace");
        if (!ns.isEmpty()) {
            meta.put("namespace", ns);
        }
        meta.put("creationTimestamp", Json.now());
        if (object.path("metadata").get("labels") instanceof ObjectNode labels) {
            meta.set("labels", labels.deepCopy());
        }
    }

    private static void usage(ObjectNode usage, Usage u) {
        usage.put("cpu", Quantities.cpu(u.nanoCores()));
        usage.put("memory", Quantities.memory(u.workingSetBytes()));
    }

    private static String time(long nanos) {
        // metav1.Time: RFC 3339 in whole seconds
        return Instant.ofEpochSecond(nanos / 1_000_000_000L).toString();
    }
}
