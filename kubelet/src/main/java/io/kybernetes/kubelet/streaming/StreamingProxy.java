package io.kybernetes.kubelet.streaming;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;
import io.kybernetes.kubelet.pod.CriLabels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.kybernetes.launcher.upgrade.ClientConnections;
import io.kybernetes.launcher.upgrade.Splice;

/**
 * The kubelet's streaming endpoints, as upstream's kubelet server serves them:
 * {@code /exec/{ns}/{pod}/{container}?command=..&stdin=1&stdout=1&stderr=1&tty=1},
 * {@code /attach/{ns}/{pod}/{container}?...} and {@code /portForward/{ns}/{pod}?port=..} (also with the pod uid
 * before the container). Each asks the runtime (CRI Exec/Attach/PortForward) for a session URL on its streaming
 * server and proxies the client's upgrade request there byte for byte, so every protocol the runtime speaks works
 * end to end: SPDY/3.1 with {@code v4.channel.k8s.io}..{@code channel.k8s.io} and WebSocket with
 * {@code v4.channel.k8s.io}, {@code v4.base64.channel.k8s.io}, {@code channel.k8s.io} (portforward:
 * {@code portforward.k8s.io}, {@code v4.channel.k8s.io}).
 * A hand-written splice of two sockets: there is no Vert.x upgrade-aware reverse proxy that keeps the runtime's own
 * protocol negotiation.
 */
public final class StreamingProxy {

    private static final Logger LOG = Logger.getLogger(StreamingProxy.class);
    private static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Request headers that carry the upgrade negotiation to the runtime's streaming server. */
    private static final List<String> FORWARDED = List.of("Connection", "Upgrade", "Sec-WebSocket-Key",
            "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "X-Stream-Protocol-Version",
            "Origin");

    private final Vertx vertx;
    private final Supplier<CriClient> cri;
    private final NetClient net;

    public StreamingProxy(Vertx vertx, Supplier<CriClient> cri) {
        this.vertx = vertx;
        this.cri = cri;
        this.net = vertx.createNetClient();
    }

    public void register(Router router) {
        router.route("/exec/:namespace/:pod/:container").handler(ctx -> handle(ctx, Kind.EXEC));
        router.route("/exec/:namespace/:pod/:uid/:container").handler(ctx -> handle(ctx, Kind.EXEC));
        router.route("/attach/:namespace/:pod/:container").handler(ctx -> handle(ctx, Kind.ATTACH));
        router.route("/attach/:namespace/:pod/:uid/:container").handler(ctx -> handle(ctx, Kind.ATTACH));
        router.route("/portForward/:namespace/:pod").handler(ctx -> handle(ctx, Kind.PORT_FORWARD));
        router.route("/portForward/:namespace/:pod/:uid").handler(ctx -> handle(ctx, Kind.PORT_FORWARD));
    }

    enum Kind { EXEC, ATTACH, PORT_FORWARD }

    /** A client-side mistake or a missing target: the HTTP status and message to answer with. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(RoutingContext ctx, Kind kind) {
        HttpServerRequest req = ctx.request();
        if (!isUpgrade(req)) {
            fail(ctx, 400, "Upgrade request required");
            return;
        }
        req.pause();
        String ns = ctx.pathParam("namespace");
        String pod = ctx.pathParam("pod");
        String uid = ctx.pathParam("uid");
        String container = ctx.pathParam("container");
        vertx.<String>executeBlocking(() -> sessionUrl(kind, ns, pod, uid, container, req), false)
                .onSuccess(url -> proxy(ctx, URI.create(url)))
                .onFailure(e -> {
                    if (e instanceof Refused r) {
                        fail(ctx, r.status, r.getMessage());
                    } else {
                        LOG.warnf("%s %s/%s: %s", kind, ns, pod, e.toString());
                        fail(ctx, 500, "container runtime: " + (e instanceof StatusRuntimeException s
                                ? s.getStatus().getDescription() : e.getMessage()));
                    }
                });
    }

    static boolean isUpgrade(HttpServerRequest req) {
        String c = req.getHeader("Connection");
        return c != null && c.toLowerCase().contains("upgrade") && req.getHeader("Upgrade") != null;
    }

    /** Finds the target in the runtime and asks for a streaming session (blocking CRI calls). */
    String sessionUrl(Kind kind, String ns, String pod, String uid, String container, HttpServerRequest req) {
        CriClient c = cri.get();
        if (c == null) {
            throw new Refused(503, "kubelet is not connected to the container runtime yet");
        }
        var params = req.params();
        switch (kind) {
            case EXEC -> {
                List<String> cmd = params.getAll("command");
                if (cmd.isEmpty()) {
                    throw new Refused(400, "you must specify at least 1 command");
                }
                return c.exec(containerId(c, ns, pod, uid, container), cmd, flag(params.get("tty")),
                        flag(params.get("stdin")), flag(params.get("stdout")), flag(params.get("stderr")));
            }
            case ATTACH -> {
                return c.attach(containerId(c, ns, pod, uid, container), flag(params.get("tty")),
                        flag(params.get("stdin")), flag(params.get("stdout")), flag(params.get("stderr")));
            }
            default -> {
                List<Integer> ports = new ArrayList<>();
                for (String p : params.getAll("port")) {
                    try {
                        ports.add(Integer.parseInt(p));
                    } catch (NumberFormatException e) {
                        throw new Refused(400, "invalid port \"" + p + "\"");
                    }
                }
                return c.portForward(sandboxId(c, ns, pod, uid), ports);
            }
        }
    }

    static boolean flag(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    static String containerId(CriClient c, String ns, String pod, String uid, String container) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of(CriLabels.POD_NAMESPACE, ns,
                CriLabels.POD_NAME, pod, CriLabels.CONTAINER_NAME, container));
        if (uid != null) {
            labels.put(CriLabels.POD_UID, uid);
        }
        List<Container> running = c.listContainers(labels).stream()
                .filter(x -> x.getState() == ContainerState.CONTAINER_RUNNING)
                .sorted(Comparator.comparingLong(Container::getCreatedAt).reversed()).toList();
        if (running.isEmpty()) {
            throw new Refused(404, "container " + container + " is not running in pod " + ns + "/" + pod);
        }
        return running.get(0).getId();
    }

    static String sandboxId(CriClient c, String ns, String pod, String uid) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of(CriLabels.POD_NAMESPACE, ns, CriLabels.POD_NAME, pod));
        if (uid != null) {
            labels.put(CriLabels.POD_UID, uid);
        }
        List<PodSandbox> ready = c.listPodSandboxes(labels).stream()
                .filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                .sorted(Comparator.comparingLong(PodSandbox::getCreatedAt).reversed()).toList();
        if (ready.isEmpty()) {
            throw new Refused(404, "pod " + ns + "/" + pod + " has no running sandbox on this node");
        }
        return ready.get(0).getId();
    }

    /** Sends the client's upgrade request to the runtime's URL; on 101 splices the two connections together. */
    private void proxy(RoutingContext ctx, URI url) {
        HttpServerRequest req = ctx.request();
        int port = url.getPort() > 0 ? url.getPort() : 80;
        StringBuilder head = new StringBuilder();
        head.append(req.method().name()).append(' ').append(url.getRawPath())
                .append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(':').append(port).append("\r\n");
        for (String name : FORWARDED) {
            for (String v : req.headers().getAll(name)) {
                head.append(name).append(": ").append(v).append("\r\n");
            }
        }
        head.append("\r\n");
        net.connect(port, url.getHost()).onFailure(e -> fail(ctx, 502, "cannot reach the runtime's streaming server: "
                + e.getMessage())).onSuccess(upstream -> {
                    Buffer acc = Buffer.buffer();
                    upstream.exceptionHandler(e -> upstream.close());
                    upstream.handler(chunk -> {
                        acc.appendBuffer(chunk);
                        int end = indexOf(acc, END_OF_HEADERS);
                        if (end < 0) {
                            return;
                        }
                        upstream.pause();
                        upstream.handler(null);
                        Response r = Response.parse(acc.getString(0, end, "ISO-8859-1"));
                        Buffer rest = acc.getBuffer(end + END_OF_HEADERS.length, acc.length());
                        if (r.status != 101) {
                            upstream.close();
                            fail(ctx, r.status, "runtime refused the stream: " + r.reason + " " + rest);
                            return;
                        }
                        Future<NetSocket> client = ClientConnections.upgrade(req, r.headers);
                        client.onFailure(e -> {
                            LOG.warnf("upgrade of %s failed: %s", req.path(), e.toString());
                            upstream.close();
                            fail(ctx, 500, "upgrade failed: " + e.getMessage());
                        }).onSuccess(down -> Splice.sockets(down, upstream, rest));
                    });
                    upstream.write(head.toString());
                });
    }

    static int indexOf(Buffer b, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= b.length(); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The status line and headers of the runtime's answer. */
    record Response(int status, String reason, List<String[]> headers) {
        static Response parse(String head) {
            String[] lines = head.split("\r\n");
            String[] status = lines[0].split(" ", 3);
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
                }
            }
            int code;
            try {
                code = Integer.parseInt(status[1]);
            } catch (RuntimeException e) {
                code = 502;
            }
            return new Response(code, status.length > 2 ? status[2] : "", headers);
        }
    }

    private static void fail(RoutingContext ctx, int status, String message) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain").end(message + "\n");
    }

    public void close() {
        net.close();
    }
}
