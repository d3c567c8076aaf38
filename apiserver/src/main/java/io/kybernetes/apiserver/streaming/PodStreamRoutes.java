package io.kybernetes.apiserver.streaming;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.logs.PodLogProxy;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.kybernetes.launcher.upgrade.ClientConnections;
import io.kybernetes.launcher.upgrade.Splice;

/**
 * The pod subresources {@code exec}, {@code attach} and {@code portforward} (GET or POST, always an upgrade). The
 * pod is looked up and checked (bound, container valid), then the stream goes to the kubelet of its node
 * ({@code /exec|/attach/{ns}/{pod}/{container}}, {@code /portForward/{ns}/{pod}}) in one of three ways:
 * <ul>
 * <li>WebSocket {@code v5.channel.k8s.io} (exec, attach): terminated here and translated to SPDY
 * ({@link ExecTranslator});</li>
 * <li>WebSocket {@code SPDY/3.1+portforward.k8s.io}: terminated here, its binary messages carry SPDY that is spliced
 * onto a SPDY upgrade to the kubelet;</li>
 * <li>anything else (SPDY/3.1 from older kubectl or kubectl's fallback, WebSocket v4 from other clients): the
 * upgrade is relayed to the kubelet as is and the kubelet's 101, headers and all, goes back to the client.</li>
 * </ul>
 * The client's upgrade is answered only once the kubelet accepted its side, so a refusal (container not running)
 * comes back as a Status with the kubelet's code.
 */
@ApplicationScoped
public class PodStreamRoutes {

    private static final Logger LOG = Logger.getLogger(PodStreamRoutes.class);
    /** Request headers an upgrade relayed as is carries to the kubelet. */
    private static final List<String> RELAYED = List.of("Connection", "Upgrade", "Sec-WebSocket-Key",
            "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "X-Stream-Protocol-Version");

    private final Registry registry;
    private final GenericStore store;
    private final KubeletDialer dialer;

    public PodStreamRoutes(Registry registry, GenericStore store, Vertx vertx) {
        this.registry = registry;
        this.store = store;
        this.dialer = new KubeletDialer(vertx, vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000)));
    }

    void routes(@Observes Router router) {
        router.routeWithRegex("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)$").order(-100)
                .handler(this::handle);
    }

    enum Mode { TRANSLATE, TUNNEL, RELAY }

    /** How a request is served, from its subresource and upgrade headers. */
    static Mode mode(String sub, boolean webSocket, List<String> subprotocols) {
        if (!webSocket) {
            return Mode.RELAY;
        }
        if (!sub.equals("portforward") && subprotocols.contains(ChannelProtocol.V5)) {
            return Mode.TRANSLATE;
        }
        if (sub.equals("portforward") && subprotocols.contains(StreamSubprotocols.PORTFORWARD_TUNNEL)) {
            return Mode.TUNNEL;
        }
        return Mode.RELAY;
    }

    void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        req.pause();
        // The rest runs on the request's own event loop: the store answers on a gRPC thread, where runOnContext
        // would pick any event loop, and a WebSocket accepted from another loop got the client's first frames
        // (kubectl cp's first stdin bytes) before its handlers were set, which dropped them.
        Context context = rc.vertx().getOrCreateContext();
        String ns = rc.pathParam("param0");
        String name = rc.pathParam("param1");
        String sub = rc.pathParam("param2");
        try {
            if (req.method() != HttpMethod.GET && req.method() != HttpMethod.POST) {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            if (!isUpgrade(req)) {
                throw ApiException.badRequest("Upgrade request required");
            }
            if (sub.equals("exec") && req.params().getAll("command").isEmpty()) {
                throw ApiException.badRequest("you must specify at least 1 command");
            }
            if (!sub.equals("portforward") && !flag(req.getParam("stdin")) && !flag(req.getParam("stdout"))
                    && !flag(req.getParam("stderr"))) {
                throw ApiException.badRequest("you must specify at least 1 of stdin, stdout, stderr");
            }
        } catch (ApiException e) {
            fail(rc, e);
            return;
        }
        Resource pods = registry.resource("", "v1", "pods").orElseThrow();
        Resource nodes = registry.resource("", "v1", "nodes").orElseThrow();
        store.get(pods, ns, name).thenCompose(pod -> {
            String nodeName = Json.str(pod, "spec.nodeName");
            if (nodeName.isEmpty()) {
                throw ApiException.badRequest("pod " + name + " does not have a host assigned");
            }
            String phase = Json.str(pod, "status.phase");
            if (phase.equals("Succeeded") || phase.equals("Failed")) {
                throw ApiException.badRequest("cannot " + sub + " into a container in a completed pod; current phase is "
                        + phase);
            }
            String path = kubeletPath(pod, sub, req.query());
            return store.get(nodes, null, nodeName).thenApply(node -> new Target(PodLogProxy.kubelet(node), path));
        }).whenComplete((target, error) -> context.runOnContext(v -> {
            if (error != null) {
                fail(rc, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            } else {
                serve(rc, sub, target);
            }
        }));
    }

    record Target(String[] address, String path) {
    }

    private void serve(RoutingContext rc, String sub, Target target) {
        HttpServerRequest req = rc.request();
        String host = target.address()[0];
        int port = Integer.parseInt(target.address()[1]);
        Mode mode = mode(sub, isWebSocket(req), subprotocols(req));
        LOG.debugf("%s %s (%s) -> kubelet %s:%d%s", req.method(), req.path(), mode, host, port, target.path());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        switch (mode) {
            case TRANSLATE, TUNNEL -> {
                headers.put("Connection", List.of("Upgrade"));
                headers.put("Upgrade", List.of("SPDY/3.1"));
                headers.put("X-Stream-Protocol-Version",
                        List.of(mode == Mode.TUNNEL ? "portforward.k8s.io" : ChannelProtocol.V4));
            }
            default -> RELAYED.forEach(h -> {
                if (!req.headers().getAll(h).isEmpty()) {
                    headers.put(h, req.headers().getAll(h));
                }
            });
        }
        dialer.upgrade(host, port, target.path(), headers).onFailure(e -> fail(rc, e)).onSuccess(up -> {
            switch (mode) {
                case RELAY -> ClientConnections.upgrade(req, up.head().headers()).onFailure(e -> {
                    LOG.warnf("upgrade of %s failed: %s", req.path(), e.toString());
                    up.socket().close();
                    fail(rc, ApiException.internal("upgrade failed: " + e.getMessage()));
                }).onSuccess(client -> Splice.sockets(client, up.socket(), up.rest()));
                default -> req.toWebSocket().onFailure(e -> {
                    LOG.debugf("websocket upgrade of %s failed: %s", req.path(), e.toString());
                    up.socket().close();
                    fail(rc, ApiException.badRequest("websocket upgrade failed: " + e.getMessage()));
                }).onSuccess(ws -> {
                    if (mode == Mode.TUNNEL) {
                        Splice.tunnel(ws, up.socket(), up.rest());
                    } else {
                        ExecTranslator.start(ws, up.socket(), up.rest(), new ExecTranslator.Streams(
                                flag(req.getParam("stdin")), flag(req.getParam("stdout")),
                                flag(req.getParam("stderr")), flag(req.getParam("tty"))));
                    }
                });
            }
        });
    }

    /** The kubelet's URL for the subresource: the container in the path, the rest of the query passed on. */
    static String kubeletPath(ObjectNode pod, String sub, String query) {
        String ns = Json.str(pod, "metadata.namespace");
        String name = Json.str(pod, "metadata.name");
        StringBuilder rest = new StringBuilder();
        String container = null;
        if (query != null && !query.isEmpty()) {
            for (String p : query.split("&")) {
                if (p.startsWith("container=")) {
                    container = URLDecoder.decode(p.substring(10), StandardCharsets.UTF_8);
                } else if (!p.isEmpty()) {
                    rest.append(rest.length() == 0 ? "" : "&").append(p);
                }
            }
        }
        String base = sub.equals("portforward") ? "/portForward/" + ns + "/" + name
                : "/" + sub + "/" + ns + "/" + name + "/" + PodLogProxy.container(pod, container);
        return rest.length() == 0 ? base : base + "?" + rest;
    }

    static boolean flag(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equals("t") || v.equals("T"));
    }

    static boolean isUpgrade(HttpServerRequest req) {
        String c = req.getHeader("Connection");
        return c != null && c.toLowerCase(Locale.ROOT).contains("upgrade") && req.getHeader("Upgrade") != null;
    }

    static boolean isWebSocket(HttpServerRequest req) {
        String u = req.getHeader("Upgrade");
        return u != null && u.trim().equalsIgnoreCase("websocket");
    }

    static List<String> subprotocols(HttpServerRequest req) {
        List<String> out = new ArrayList<>();
        for (String v : req.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String p : v.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    private static void fail(RoutingContext rc, Throwable t) {
        ApiException e = t instanceof ApiException a ? a : ApiException.internal(String.valueOf(t.getMessage()));
        if (!(t instanceof ApiException)) {
            LOG.warn("pod stream failed", t);
        }
        if (rc.response().headWritten() || rc.response().closed()) {
            return;
        }
        rc.request().resume();
        rc.response().setStatusCode(e.code()).putHeader("Content-Type", "application/json")
                .end(e.toStatus().toString());
    }
}
