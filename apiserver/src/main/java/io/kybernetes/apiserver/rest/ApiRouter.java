package io.kybernetes.apiserver.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.audit.AuditFilter;
import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.discovery.Discovery;
import io.kybernetes.apiserver.eviction.Evictions;
import io.kybernetes.apiserver.fieldmanager.ManagedFields;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.logs.PodLogProxy;
import io.kybernetes.apiserver.metrics.MetricsApi;
import io.kybernetes.apiserver.openapi.FieldValidator;
import io.kybernetes.apiserver.patch.JsonPatch;
import io.kybernetes.apiserver.patch.MergePatch;
import io.kybernetes.apiserver.patch.StrategicMergePatch;
import io.kybernetes.apiserver.protobuf.ProtobufCodec;
import io.kybernetes.apiserver.registry.DeleteOptions;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.ListOptions;
import io.kybernetes.apiserver.registry.Outcome;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.registry.ScalePaths;
import io.kybernetes.apiserver.selection.FieldSelector;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Tables;
import io.kybernetes.apiserver.watch.WatchCache;
import io.kybernetes.apiserver.watch.WatchRequest;
import io.kybernetes.apiserver.watch.WatchStream;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The one generic router of the Kubernetes API: discovery, and every verb on every registered resource under
 * {@code /api/v1} and {@code /apis/{group}/{version}}, namespaced or cluster-scoped, collections, items and
 * subresources. Vert.x Web routes, because watches and log follows stream chunked responses; storage is async
 * (jetcd), so nothing here blocks the event loop.
 */
@ApplicationScoped
public class ApiRouter {

    private static final Logger LOG = Logger.getLogger(ApiRouter.class);
    static final int BODY_LIMIT = 3 * 1024 * 1024;
    static final String JSON = "application/json";

    private final Registry registry;
    private final GenericStore store;
    private final Discovery discovery;
    private final PodLogProxy logs;
    private final Evictions evictions;
    private final Instance<ProtobufCodec> codec;
    private final Instance<FieldValidator> fieldValidator;
    private final WatchCache watchCache;
    private final MetricsApi metrics;
    private final int maxInflight;
    private final AtomicInteger inflight = new AtomicInteger();

    public ApiRouter(Registry registry, GenericStore store, Discovery discovery, PodLogProxy logs, Evictions evictions,
            Instance<ProtobufCodec> codec, Instance<FieldValidator> fieldValidator, ApiserverConfig config,
            WatchCache watchCache, MetricsApi metrics) {
        this.metrics = metrics;
        this.evictions = evictions;
        this.watchCache = watchCache;
        this.fieldValidator = fieldValidator;
        this.registry = registry;
        this.store = store;
        this.discovery = discovery;
        this.logs = logs;
        this.codec = codec;
        this.maxInflight = config.maxRequestsInflight();
    }

    void routes(@Observes Router router) {
        router.get("/version").handler(rc -> send(rc, 200, discovery.version()));
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.routeWithRegex("^/apis?(/.*)?$")
                // an upgrade request must stay unread for the WebSocket handshake (some clients send a
                // Content-Length: 0, which would make the body handler consume it)
                .handler(rc -> {
                    if (isWebSocketRequest(rc.request())) {
                        rc.next();
                    } else {
                        bodies.handle(rc);
                    }
                })
                .handler(this::handle)
                .failureHandler(this::failure);
    }

    // ---- entry

    void handle(RoutingContext rc) {
        boolean longRunning = isLongRunning(rc);
        if (!longRunning) {
            if (inflight.incrementAndGet() > maxInflight) {
                inflight.decrementAndGet();
                rc.response().putHeader("Retry-After", "1");
                error(rc, new ApiException(429, "TooManyRequests", "Too many requests, please try again later.",
                        null, null, null, null, 1));
                return;
            }
            rc.addEndHandler(v -> inflight.decrementAndGet());
        }
        try {
            RequestInfo info = RequestInfo.parse(rc.normalizedPath());
            if (info == null) {
                throw ApiException.pageNotFound();
            }
            if (info.isDiscovery()) {
                refuseUpgrade(rc);
                discovery(rc, info);
                return;
            }
            if (MetricsApi.GROUP.equals(info.group())) {
                refuseUpgrade(rc);
                reply(rc, metrics.serve(info.version(), rc.request().method() == HttpMethod.GET, info.watchPath(),
                        info.namespace(), info.resource(), info.name(), info.subresource(), rc.queryParams()),
                        o -> send(rc, 200, o));
                return;
            }
            Resource r = registry.resource(info.group(), info.version(), info.resource())
                    .orElseThrow(ApiException::pageNotFound);
            resource(rc, info, r);
        } catch (Throwable t) {
            error(rc, t);
        }
    }

    private static boolean isLongRunning(RoutingContext rc) {
        String path = rc.normalizedPath();
        String watch = rc.queryParams().get("watch");
        String follow = rc.queryParams().get("follow");
        return path.contains("/watch/") || "true".equals(watch) || "1".equals(watch)
                || (path.endsWith("/log") && ("true".equals(follow) || "1".equals(follow)));
    }

    void failure(RoutingContext rc) {
        if (rc.statusCode() == 413) {
            error(rc, new ApiException(413, "RequestEntityTooLarge",
                    "the server has received too large of a request: the limit is " + BODY_LIMIT + " bytes"));
        } else {
            error(rc, rc.failure() != null ? rc.failure() : ApiException.internal("request failed"));
        }
    }

    // ---- discovery

    private void discovery(RoutingContext rc, RequestInfo info) {
        if (rc.request().method() != HttpMethod.GET) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        ObjectNode doc;
        if (info.group() == null) {
            doc = discovery.groupList();
        } else if (info.group().isEmpty() && info.version() == null) {
            String host = rc.request().localAddress() == null ? "127.0.0.1:6443"
                    : rc.request().localAddress().host() + ":" + rc.request().localAddress().port();
            doc = discovery.apiVersions(host);
        } else if (info.version() == null) {
            if (!discovery.hasGroup(info.group())) {
                throw ApiException.pageNotFound();
            }
            doc = discovery.group(info.group());
        } else {
            doc = discovery.resourceList(info.group(), info.version());
            if (doc == null) {
                throw ApiException.pageNotFound();
            }
        }
        send(rc, 200, doc);
    }

    // ---- resources

    private void resource(RoutingContext rc, RequestInfo info, Resource r) {
        String ns = r.namespaced() ? info.namespace() : null;
        if (!r.namespaced() && info.namespace() != null) {
            throw ApiException.pageNotFound();
        }
        String name = info.name();
        String sub = info.subresource() == null ? "" : info.subresource();
        if (!sub.isEmpty() && !r.hasSubresource(sub)) {
            throw ApiException.pageNotFound();
        }
        MultiMap q = rc.queryParams();
        boolean dryRun = "All".equals(q.get("dryRun"));
        HttpMethod m = rc.request().method();
        if (m != HttpMethod.GET) {
            checkWriteOptions(m, q);
        }
        boolean collection = name == null;
        if (collection && r.namespaced() && ns == null && m != HttpMethod.GET) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        boolean watch = info.watchPath() || (m == HttpMethod.GET && collection && isTrue(q.get("watch")));
        if (!watch) {
            refuseUpgrade(rc);
        }
        if (r.type().kind().equals("Binding")) {
            if (m == HttpMethod.POST && collection) {
                ObjectNode binding = body(rc);
                bind(rc, ns, Json.str(binding, "metadata.name"), binding, dryRun);
                return;
            }
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        if (watch) {
            watch(rc, r, ns, name);
            return;
        }
        if (m == HttpMethod.GET) {
            if (collection) {
                list(rc, r, ns);
            } else if (sub.equals("log")) {
                podLog(rc, ns, name);
            } else if (sub.equals("scale")) {
                reply(rc, store.get(r, ns, name), obj -> send(rc, 200, ScaleView.of(obj, r.strategy().scale())));
            } else if (sub.isEmpty() || sub.equals("status") || sub.equals("approval")) {
                reply(rc, store.get(r, ns, name), obj -> sendObject(rc, r, 200, obj));
            } else {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
        } else if (m == HttpMethod.POST) {
            if (collection) {
                ObjectNode obj = body(rc);
                checkKind(r, obj, false);
                checkNamespace(obj, ns);
                checkFields(rc, r, obj);
                reply(rc, store.create(r, ns, obj, dryRun, manager(rc)), o -> sendObject(rc, r, o.code(), o.object()));
            } else if (sub.equals("binding")) {
                bind(rc, ns, name, body(rc), dryRun);
            } else if (sub.equals("eviction")) {
                ObjectNode eviction = body(rc);
                String kind = eviction.path("kind").asText("Eviction");
                if (!kind.equals("Eviction")) {
                    throw ApiException.badRequest("the kind in the data (" + kind
                            + ") does not match the expected kind (Eviction)");
                }
                if (dryRun) {
                    ObjectNode opts = Json.with(eviction, "deleteOptions");
                    opts.putArray("dryRun").add("All");
                }
                reply(rc, evictions.evict(ns, name, eviction), status -> send(rc, 201, status));
            } else {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
        } else if (m == HttpMethod.PUT && !collection) {
            put(rc, r, ns, name, sub, dryRun);
        } else if (m == HttpMethod.PATCH && !collection) {
            patch(rc, r, ns, name, sub, dryRun);
        } else if (m == HttpMethod.DELETE) {
            DeleteOptions opts = deleteOptions(rc, dryRun);
            if (collection) {
                reply(rc, store.deleteCollection(r, ns, filter(r, q, null), opts), l -> send(rc, 200, l));
            } else if (sub.isEmpty()) {
                reply(rc, store.delete(r, ns, name, opts), o -> sendObject(rc, r, o.code(), o.object()));
            } else {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
        } else {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private static boolean isBlank(String v) {
        return v == null || v.isBlank();
    }

    private static boolean isTrue(String v) {
        // strconv.ParseBool's spellings, as upstream parses the flag (the Python client sends watch=True)
        return v != null && (v.equals("1") || v.equals("t") || v.equals("T") || v.equalsIgnoreCase("true"));
    }

    private void list(RoutingContext rc, Resource r, String ns) {
        MultiMap q = rc.queryParams();
        Predicate<ObjectNode> filter = filter(r, q, null);
        boolean filtered = !isBlank(q.get("labelSelector")) || !isBlank(q.get("fieldSelector"));
        ListOptions opts = ListOptions.parse(q.get("limit"), q.get("continue"), q.get("resourceVersion"),
                q.get("resourceVersionMatch"));
        reply(rc, store.list(r, ns, filter, filtered, opts), list -> {
            if (Tables.wanted(rc.request().getHeader("Accept"))) {
                List<ObjectNode> items = new ArrayList<>();
                list.get("items").forEach(i -> items.add((ObjectNode) i));
                ObjectNode t = Tables.table(r.strategy(), items, Json.str(list, "metadata.resourceVersion"),
                        q.get("includeObject"), true);
                for (String f : new String[] {"continue", "remainingItemCount"}) {
                    if (list.path("metadata").has(f)) {
                        Json.with(t, "metadata").set(f, list.path("metadata").get(f));
                    }
                }
                sendJson(rc, 200, t, Tables.MEDIA_TYPE);
            } else {
                send(rc, 200, list);
            }
        });
    }

    private void watch(RoutingContext rc, Resource r, String ns, String name) {
        MultiMap q = rc.queryParams();
        long timeout = 0;
        if (q.get("timeoutSeconds") != null) {
            try {
                timeout = Long.parseLong(q.get("timeoutSeconds"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid timeoutSeconds: " + q.get("timeoutSeconds"));
            }
        }
        WatchRequest req = new WatchRequest(r, ns, filter(r, q, name), q.get("resourceVersion"), timeout,
                isTrue(q.get("allowWatchBookmarks")), isTrue(q.get("sendInitialEvents")),
                Tables.wanted(rc.request().getHeader("Accept")), q.get("includeObject"));
        WatchStream stream = new WatchStream(req, Vertx.currentContext(), store.etcd(), watchCache);
        if (!isWebSocketRequest(rc.request())) {
            stream.streamTo(rc.response());
            return;
        }
        rc.request().toWebSocket().onSuccess(stream::streamTo).onFailure(t -> {
            LOG.debugf("websocket upgrade of %s failed: %s", rc.request().uri(), t.toString());
            error(rc, ApiException.badRequest("websocket upgrade failed: " + t.getMessage()));
        });
    }

    /** A WebSocket upgrade request, recognised as upstream does: Connection has "upgrade", Upgrade is "websocket". */
    static boolean isWebSocketRequest(HttpServerRequest request) {
        String connection = request.getHeader("Connection");
        String upgrade = request.getHeader("Upgrade");
        return connection != null && upgrade != null && upgrade.trim().equalsIgnoreCase("websocket")
                && connection.toLowerCase(Locale.ROOT).matches("(^|.*[^a-z0-9_])upgrade([^a-z0-9_].*|$)");
    }

    /** Only watches upgrade; any other WebSocket request is refused before it is served as plain HTTP. */
    private static void refuseUpgrade(RoutingContext rc) {
        if (isWebSocketRequest(rc.request())) {
            throw ApiException.badRequest("upgrade request not supported: " + rc.request().path()
                    + " serves WebSocket connections only for watch requests");
        }
    }

    /** The label, field and name filter of a list or watch. */
    Predicate<ObjectNode> filter(Resource r, MultiMap q, String name) {
        LabelSelector labels;
        FieldSelector fields;
        Set<String> supported = new HashSet<>(r.strategy().selectableFields());
        supported.add("metadata.name");
        if (r.namespaced()) {
            supported.add("metadata.namespace");
        }
        try {
            labels = LabelSelector.parse(q.get("labelSelector"));
            fields = FieldSelector.parse(q.get("fieldSelector"), supported);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return obj -> (name == null || name.equals(Json.str(obj, "metadata.name")))
                && labels.matches(obj.path("metadata").get("labels"))
                && fields.matches(f -> f.startsWith("metadata.") ? Json.str(obj, f) : r.strategy().fieldValue(obj, f));
    }

    private void put(RoutingContext rc, Resource r, String ns, String name, String sub, boolean dryRun) {
        ObjectNode body = body(rc);
        if (sub.equals("finalize")) {
            checkKind(r, body, false);
            JsonNode finalizers = body.path("spec").path("finalizers");
            String rv = Json.str(body, "metadata.resourceVersion");
            reply(rc, store.update(r, ns, name, "finalize", cur -> {
                ObjectNode spec = Json.with(cur, "spec");
                if (finalizers.isArray() && !finalizers.isEmpty()) {
                    spec.set("finalizers", finalizers.deepCopy());
                } else {
                    spec.remove("finalizers");
                }
                if (!rv.isEmpty()) {
                    Json.with(cur, "metadata").put("resourceVersion", rv);
                }
                return cur;
            }, dryRun), obj -> sendObject(rc, r, 200, obj));
            return;
        }
        if (sub.equals("scale")) {
            reply(rc, store.update(r, ns, name, "scale", cur -> ScaleView.apply(cur, body, r.strategy().scale()), dryRun,
                    manager(rc)), obj -> send(rc, 200, ScaleView.of(obj, r.strategy().scale())));
            return;
        }
        checkKind(r, body, false);
        checkNamespace(body, ns);
        String bodyName = Json.str(body, "metadata.name");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName
                    + ") does not match the name on the URL (" + name + ")");
        }
        checkFields(rc, r, body);
        reply(rc, store.update(r, ns, name, sub, cur -> body.deepCopy(), dryRun, manager(rc)),
                obj -> sendObject(rc, r, 200, obj));
    }

    private void patch(RoutingContext rc, Resource r, String ns, String name, String sub, boolean dryRun) {
        String type = mediaType(rc.request().getHeader("Content-Type"));
        byte[] raw = bytes(rc);
        JsonNode patch;
        try {
            patch = type.equals("application/apply-patch+yaml") ? Json.parseYaml(raw) : Json.parse(raw);
        } catch (IOException e) {
            throw ApiException.badRequest("error decoding patch: " + e.getMessage());
        }
        if (patch == null) {
            throw ApiException.badRequest("empty patch");
        }
        if (!Set.of("application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml").contains(type)) {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                    + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
                    + "application/apply-patch+yaml, application/strategic-merge-patch+json");
        }
        JsonNode p = patch;
        if (sub.equals("scale")) {
            ScalePaths paths = r.strategy().scale();
            reply(rc, store.update(r, ns, name, "scale", cur -> ScaleView.apply(cur,
                    applyPatch(type, ScaleView.of(cur, paths), p), paths), dryRun, manager(rc)),
                    obj -> send(rc, 200, ScaleView.of(obj, paths)));
            return;
        }
        boolean apply = type.equals(APPLY_PATCH) && (sub.isEmpty() || sub.equals("status"));
        String manager = manager(rc);
        if (apply) {
            if (!p.isObject()) {
                throw ApiException.badRequest("error decoding YAML: the applied configuration is not an object");
            }
            if (isBlank(rc.queryParams().get("fieldManager"))) {
                throw ApiException.invalid("meta.k8s.io", "PatchOptions", "", List.of(new Cause("FieldValueRequired",
                        "fieldManager", "Required value: is required for apply patch")));
            }
        }
        boolean force = isTrue(rc.queryParams().get("force"));
        boolean withStatus = sub.equals("status") || !r.strategy().statusIsSubresource();
        CompletableFuture<Outcome> result = store.update(r, ns, name, sub, cur -> {
            ObjectNode patched = apply
                    ? ManagedFields.apply(cur, (ObjectNode) p, manager, r.type().apiVersion(), force, withStatus, sub)
                    : applyPatch(type, cur, p);
            checkFields(rc, r, patched);
            return patched;
        }, dryRun, apply ? null : manager)
                .thenApply(o -> new Outcome(o, 200));
        if (apply && sub.isEmpty()) {
            // server-side apply to a missing object creates it, owned by the applier
            result = result.exceptionally(t -> {
                ApiException a = unwrapApi(t);
                if (a != null && a.code() == 404 && p.isObject()) {
                    return null;
                }
                throw t instanceof CompletionException c ? c : new CompletionException(t);
            }).thenCompose(o -> {
                if (o != null) {
                    return CompletableFuture.completedFuture(o);
                }
                ObjectNode obj = ((ObjectNode) p).deepCopy();
                checkKind(r, obj, true);
                Json.with(obj, "metadata").put("name", name);
                checkFields(rc, r, obj);
                return store.create(r, ns, ManagedFields.apply(Json.object(), obj, manager, r.type().apiVersion(),
                        force, withStatus), dryRun);
            });
        }
        reply(rc, result, o -> sendObject(rc, r, o.code(), o.object()));
    }

    static final String APPLY_PATCH = "application/apply-patch+yaml";

    /** The field manager of a write: the fieldManager parameter, else derived from the User-Agent as upstream. */
    private static String manager(RoutingContext rc) {
        return ManagedFields.manager(rc.queryParams().get("fieldManager"), rc.request().getHeader("User-Agent"));
    }

    static ObjectNode applyPatch(String type, ObjectNode cur, JsonNode patch) {
        JsonNode out;
        try {
            out = switch (type) {
                case "application/json-patch+json" -> JsonPatch.apply(cur, patch);
                case "application/merge-patch+json", "application/apply-patch+yaml" -> MergePatch.apply(cur, patch);
                default -> StrategicMergePatch.apply(cur, patch);
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!(out instanceof ObjectNode o)) {
            throw ApiException.badRequest("the patch did not produce an object");
        }
        return o;
    }

    private void bind(RoutingContext rc, String ns, String podName, ObjectNode binding, boolean dryRun) {
        Resource pods = registry.resource("", "v1", "pods").orElseThrow();
        String node = Json.str(binding, "target.name");
        if (podName.isEmpty() || node.isEmpty()) {
            throw ApiException.badRequest("a Binding needs metadata.name and target.name");
        }
        String kind = Json.str(binding, "target.kind");
        if (!kind.isEmpty() && !kind.equals("Node")) {
            throw ApiException.badRequest("a Binding target must be a Node, got " + kind);
        }
        String uid = Json.str(binding, "metadata.uid");
        reply(rc, store.update(pods, ns, podName, "binding", cur -> {
            if (!uid.isEmpty() && !uid.equals(Json.str(cur, "metadata.uid"))) {
                throw ApiException.conflict("", "pods/binding", podName, "Precondition failed: UID in precondition: "
                        + uid + ", UID in object meta: " + Json.str(cur, "metadata.uid"));
            }
            if (!Json.str(cur, "metadata.deletionTimestamp").isEmpty()) {
                throw ApiException.conflict("", "pods/binding", podName, "pod " + podName
                        + " is being deleted, cannot be assigned to a host");
            }
            String bound = Json.str(cur, "spec.nodeName");
            if (!bound.isEmpty()) {
                throw ApiException.conflict("", "pods/binding", podName, "pod " + podName
                        + " is already assigned to node \"" + bound + "\"");
            }
            Json.with(cur, "spec").put("nodeName", node);
            ObjectNode status = Json.with(cur, "status");
            ArrayNode conds = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
            for (int i = conds.size() - 1; i >= 0; i--) {
                if (conds.get(i).path("type").asText().equals("PodScheduled")) {
                    conds.remove(i);
                }
            }
            conds.addObject().put("type", "PodScheduled").put("status", "True").putNull("lastProbeTime")
                    .put("lastTransitionTime", Json.now());
            cur.path("metadata").path("annotations");
            if (binding.path("metadata").get("annotations") instanceof ObjectNode ann) {
                Json.with(cur, "metadata", "annotations").setAll(ann);
            }
            return cur;
        }, dryRun), pod -> {
            ObjectNode out = binding.deepCopy();
            out.put("kind", "Binding");
            out.put("apiVersion", "v1");
            Json.with(out, "metadata").put("namespace", ns);
            send(rc, 201, out);
        });
    }

    private void podLog(RoutingContext rc, String ns, String name) {
        Resource pods = registry.resource("", "v1", "pods").orElseThrow();
        Resource nodes = registry.resource("", "v1", "nodes").orElseThrow();
        MultiMap q = rc.queryParams();
        reply(rc, store.get(pods, ns, name).thenCompose(pod -> {
            String container = PodLogProxy.container(pod, q.get("container"));
            String nodeName = Json.str(pod, "spec.nodeName");
            if (nodeName.isEmpty()) {
                throw ApiException.badRequest("pod " + name + " does not have a host assigned");
            }
            return store.get(nodes, null, nodeName).thenCompose(node -> logs.proxy(pod, node, container, q, rc.response()));
        }), v -> { });
    }

    private DeleteOptions deleteOptions(RoutingContext rc, boolean dryRun) {
        MultiMap q = rc.queryParams();
        Long grace = null;
        String uid = null;
        String rv = null;
        String policy = q.get("propagationPolicy");
        byte[] raw = bytes(rc);
        if (raw.length > 0) {
            ObjectNode opts = body(rc);
            if (opts.hasNonNull("gracePeriodSeconds")) {
                grace = opts.get("gracePeriodSeconds").asLong();
            }
            uid = Json.str(opts, "preconditions.uid");
            rv = Json.str(opts, "preconditions.resourceVersion");
            if (opts.hasNonNull("propagationPolicy")) {
                policy = opts.get("propagationPolicy").asText();
            } else if (opts.hasNonNull("orphanDependents") && policy == null) {
                // the deprecated boolean: true orphans, false deletes the dependents in the background
                policy = opts.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
            }
            for (JsonNode d : opts.path("dryRun")) {
                if (d.asText().equals("All")) {
                    dryRun = true;
                }
            }
        }
        if (q.get("gracePeriodSeconds") != null) {
            try {
                grace = Long.parseLong(q.get("gracePeriodSeconds"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid gracePeriodSeconds: " + q.get("gracePeriodSeconds"));
            }
        }
        if (policy == null && q.get("orphanDependents") != null) {
            policy = isTrue(q.get("orphanDependents")) ? "Orphan" : "Background";
        }
        if (policy != null && !Set.of("Orphan", "Background", "Foreground").contains(policy)) {
            throw ApiException.badRequest("propagationPolicy: Unsupported value: \"" + policy
                    + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }
        return new DeleteOptions(grace, uid, rv, policy, dryRun);
    }

    // ---- bodies

    private static byte[] bytes(RoutingContext rc) {
        Buffer b = rc.body() == null ? null : rc.body().buffer();
        return b == null ? new byte[0] : b.getBytes();
    }

    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return JSON;
        }
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase();
    }

    /** Decodes a JSON, YAML or protobuf request body into an object. */
    ObjectNode body(RoutingContext rc) {
        String type = mediaType(rc.request().getHeader("Content-Type"));
        byte[] raw = bytes(rc);
        if (raw.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        JsonNode node;
        try {
            switch (type) {
                case JSON, "application/merge-patch+json", "application/strategic-merge-patch+json", "*/*" ->
                        node = Json.parse(raw);
                case "application/yaml", "application/x-yaml", "text/yaml" -> node = Json.parseYaml(raw);
                case ProtobufCodec.MEDIA_TYPE -> {
                    if (!codec.isResolvable()) {
                        throw ApiException.unsupportedMediaType(type);
                    }
                    node = codec.get().decode(raw);
                }
                default -> throw ApiException.unsupportedMediaType(type);
            }
        } catch (IOException e) {
            throw ApiException.badRequest("couldn't get version/kind; json parse error: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw ApiException.badRequest("the request body must be an object");
        }
        AuditFilter.requestObject(rc, o);
        return o;
    }

    private static void checkKind(Resource r, ObjectNode obj, boolean lenient) {
        String apiVersion = obj.path("apiVersion").asText("");
        String kind = obj.path("kind").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(r.type().apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + r.type().apiVersion() + ")");
        }
        if (!kind.isEmpty() && !kind.equals(r.type().kind())) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                    + r.type().kind() + ")");
        }
    }

    private static void checkNamespace(ObjectNode obj, String ns) {
        String bodyNs = Json.str(obj, "metadata.namespace");
        if (ns != null && !bodyNs.isEmpty() && !bodyNs.equals(ns)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
                    + "on the request");
        }
    }

    /**
     * fieldValidation=Strict: unknown fields are a 400 (kubectl relies on it once OpenAPI advertises the
     * parameter); Warn: one Warning header each; absent or Ignore: dropped silently as upstream's default for
     * other clients.
     */
    private void checkFields(RoutingContext rc, Resource r, ObjectNode obj) {
        String mode = rc.queryParams().get("fieldValidation");
        if (!fieldValidator.isResolvable()) {
            return;
        }
        FieldValidator v = fieldValidator.get();
        // a value of the wrong JSON type cannot be decoded at all, whatever the validation mode
        v.typeError(r.type().apiVersion(), r.type().kind(), obj).ifPresent(msg -> {
            throw ApiException.badRequest(msg);
        });
        if (mode == null || mode.equals("Ignore")) {
            return;
        }
        String duplicate = JSON.equals(mediaType(rc.request().getHeader("Content-Type"))) ? duplicateField(bytes(rc)) : null;
        if (duplicate != null && mode.equals("Strict")) {
            throw ApiException.badRequest("strict decoding error: duplicate field \"" + duplicate + "\"");
        }
        if (duplicate != null) {
            rc.response().headers().add("Warning", "299 - \"duplicate field \\\"" + duplicate + "\\\"\"");
        }
        if (mode.equals("Strict")) {
            v.strictDecodingError(r.type().apiVersion(), r.type().kind(), obj).ifPresent(msg -> {
                throw ApiException.badRequest(msg);
            });
        } else if (mode.equals("Warn")) {
            for (String f : v.unknownFields(r.type().apiVersion(), r.type().kind(), obj)) {
                rc.response().headers().add("Warning", "299 - \"unknown field \\\"" + f + "\\\"\"");
            }
        }
    }

    /** The first field name a JSON object repeats, or null (Jackson keeps the last one silently). */
    static String duplicateField(byte[] raw) {
        try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.getFactory().createParser(raw)) {
            p.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            while (p.nextToken() != null) {
                // reading every token is the check
            }
            return null;
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            String m = e.getOriginalMessage();
            int a = m.indexOf('\'');
            int b = m.indexOf('\'', a + 1);
            return m.startsWith("Duplicate field") && a >= 0 && b > a ? m.substring(a + 1, b) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** dryRun and fieldValidation take only upstream's values; anything else is a 422 as upstream's options validation. */
    private static void checkWriteOptions(HttpMethod m, MultiMap q) {
        String options = m == HttpMethod.POST ? "CreateOptions" : m == HttpMethod.DELETE ? "DeleteOptions"
                : m == HttpMethod.PATCH ? "PatchOptions" : "UpdateOptions";
        List<Cause> causes = new java.util.ArrayList<>();
        for (String d : q.getAll("dryRun")) {
            if (!d.equals("All")) {
                causes.add(Cause.notSupported("dryRun", d, "supported values: \"All\""));
            }
        }
        String fv = q.get("fieldValidation");
        if (fv != null && !fv.isEmpty() && !List.of("Ignore", "Warn", "Strict").contains(fv)) {
            causes.add(Cause.notSupported("fieldValidation", fv, "supported values: \"Ignore\", \"Warn\", \"Strict\""));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("meta.k8s.io", options, "", causes);
        }
    }

    // ---- responses

    private <T> void reply(RoutingContext rc, CompletableFuture<T> future, Consumer<T> ok) {
        Context ctx = Vertx.currentContext();
        future.whenComplete((v, t) -> ctx.runOnContext(x -> {
            if (t != null) {
                error(rc, t);
                return;
            }
            try {
                ok.accept(v);
            } catch (Throwable e) {
                error(rc, e);
            }
        }));
    }

    /** Sends an object as asked: a one-row Table, protobuf, or JSON. */
    private void sendObject(RoutingContext rc, Resource r, int code, ObjectNode obj) {
        if (Tables.wanted(rc.request().getHeader("Accept")) && rc.request().method() == HttpMethod.GET) {
            sendJson(rc, code, Tables.table(r.strategy(), List.of(obj), null, rc.queryParams().get("includeObject"), true),
                    Tables.MEDIA_TYPE);
            return;
        }
        send(rc, code, obj);
    }

    void send(RoutingContext rc, int code, ObjectNode obj) {
        rc.put(AuditFilter.RESPONSE_OBJECT, obj);
        if (prefersProtobuf(rc.request().getHeader("Accept")) && codec.isResolvable()) {
            ProtobufCodec c = codec.get();
            if (c.supports(obj.path("apiVersion").asText(""), obj.path("kind").asText(""))) {
                byte[] b;
                try {
                    b = c.encode(obj);
                } catch (IllegalArgumentException e) {
                    // a stored object the protobuf schema cannot carry (e.g. written with --validate=false)
                    LOG.debugf("answering JSON instead of protobuf: %s", e.getMessage());
                    sendJson(rc, code, obj, JSON);
                    return;
                }
                rc.response().setStatusCode(code).putHeader("Content-Type", ProtobufCodec.MEDIA_TYPE)
                        .end(Buffer.buffer(b));
                return;
            }
        }
        if (prefersYaml(rc.request().getHeader("Accept"))) {
            try {
                rc.response().setStatusCode(code).putHeader("Content-Type", "application/yaml")
                        .end(Buffer.buffer(Json.YAML.writeValueAsBytes(obj)));
                return;
            } catch (IOException e) {
                LOG.debugf("answering JSON instead of YAML: %s", e.getMessage());
            }
        }
        sendJson(rc, code, obj, JSON);
    }

    /** Whether the client's first choice is YAML (application/yaml), which upstream serves for any object. */
    static boolean prefersYaml(String accept) {
        return accept != null && mediaType(accept.split(",")[0]).equals("application/yaml");
    }

    private static void sendJson(RoutingContext rc, int code, ObjectNode obj, String contentType) {
        rc.put(AuditFilter.RESPONSE_OBJECT, obj);
        rc.response().setStatusCode(code).putHeader("Content-Type", contentType).end(Buffer.buffer(Json.bytes(obj)));
    }

    static boolean prefersProtobuf(String accept) {
        if (accept == null) {
            return false;
        }
        String first = accept.split(",")[0];
        return mediaType(first).equals(ProtobufCodec.MEDIA_TYPE);
    }

    static ApiException unwrapApi(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ApiException a ? a : null;
    }

    void error(RoutingContext rc, Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        ApiException e;
        if (cause instanceof ApiException a) {
            e = a;
        } else if (cause instanceof IllegalArgumentException) {
            e = ApiException.badRequest(cause.getMessage());
        } else {
            LOG.warnf("%s %s failed: %s", rc.request().method(), rc.request().uri(), cause.toString());
            LOG.debug("failure", cause);
            e = ApiException.internal(String.valueOf(cause.getMessage()));
        }
        if (e.code() >= 500) {
            LOG.debugf("%s %s -> %d %s", rc.request().method(), rc.request().uri(), e.code(), e.getMessage());
        }
        if (rc.response().headWritten() || rc.response().ended() || rc.response().closed()) {
            return;
        }
        sendJson(rc, e.code(), e.toStatus(), JSON);
    }
}
