package io.kybernetes.apiserver.streaming;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.kybernetes.apiserver.config.KubeletClientTls;
import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * Opens an upgraded connection to a kubelet's streaming endpoint: it sends the upgrade request (always a GET, the
 * method does not matter to an upgrade and the kubelet's Vert.x only hands over GET upgrades) and reads the answer's
 * head. A 101 gives the connection, paused, with any bytes read past the head; any other answer fails with an
 * {@link ApiException} carrying the kubelet's status and message, so the client sees why (and kubectl, on a failed
 * WebSocket upgrade, falls back to SPDY as upstream's does).
 * Hand-written on a raw socket: Vert.x's HTTP client cannot hand over an upgraded non-WebSocket connection.
 */
final class KubeletDialer {

    private static final Logger LOG = Logger.getLogger(KubeletDialer.class);
    private static final int MAX_HEAD = 64 * 1024;

    /** An upgraded connection: the socket (paused), the 101's head and bytes already read past it. */
    record Upgraded(NetSocket socket, UpgradeHead head, Buffer rest) {
    }

    /** How long the kubelet may take to answer the upgrade (it asks the runtime for a session first). */
    static final long ANSWER_TIMEOUT_MS = 30_000;

    private final Vertx vertx;
    private final NetClient net;

    /**
     * {@code net}: the client for plain connections; with a kubelet client certificate configured
     * ({@link KubeletClientTls}) the dialer uses a TLS client of its own instead.
     */
    KubeletDialer(Vertx vertx, NetClient net) {
        this(vertx, net, KubeletClientTls.current());
    }

    KubeletDialer(Vertx vertx, NetClient net, KubeletClientTls tls) {
        this.vertx = vertx;
        this.net = tls.secure() ? vertx.createNetClient(tls.apply(new NetClientOptions().setConnectTimeout(5000))) : net;
    }

    /** Sends {@code GET path} with the given upgrade headers (a list value repeats the header). */
    Future<Upgraded> upgrade(String host, int port, String path, Map<String, List<String>> headers) {
        Promise<Upgraded> done = Promise.promise();
        net.connect(port, host).onFailure(e -> done.fail(ApiException.internal(
                "error dialing backend: failed to reach the kubelet at " + host + ":" + port + ": " + e.getMessage())))
                .onSuccess(socket -> {
                    StringBuilder head = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                            .append("Host: ").append(host).append(':').append(port).append("\r\n");
                    headers.forEach((k, vs) -> vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n")));
                    head.append("\r\n");
                    LOG.debugf("upgrade -> kubelet %s:%d%s %s", host, port, path, headers);
                    long timer = vertx.setTimer(ANSWER_TIMEOUT_MS, t -> {
                        if (done.tryFail(new ApiException(504, "Timeout", "the kubelet at " + host + ":" + port
                                + " did not answer the upgrade within " + ANSWER_TIMEOUT_MS / 1000 + "s"))) {
                            socket.close();
                        }
                    });
                    done.future().onComplete(ar -> vertx.cancelTimer(timer));
                    read(socket, done);
                    socket.write(Buffer.buffer(head.toString(), "ISO-8859-1"));
                });
        return done.future();
    }

    private static void read(NetSocket socket, Promise<Upgraded> done) {
        Buffer acc = Buffer.buffer();
        UpgradeHead[] head = {null};
        int[] bodyStart = {0};
        socket.exceptionHandler(e -> {
            socket.close();
            done.tryFail(ApiException.internal("the kubelet's stream failed: " + e.getMessage()));
        });
        socket.closeHandler(v -> {
            if (head[0] != null) {
                done.tryFail(refusal(head[0], acc.getBuffer(bodyStart[0], acc.length())));
            } else {
                done.tryFail(ApiException.internal("the kubelet closed the connection before answering the upgrade"));
            }
        });
        socket.handler(chunk -> {
            acc.appendBuffer(chunk);
            if (head[0] == null) {
                int end = UpgradeHead.end(acc);
                if (end < 0) {
                    if (acc.length() > MAX_HEAD) {
                        socket.close();
                        done.tryFail(ApiException.internal("the kubelet's answer has no end of headers"));
                    }
                    return;
                }
                head[0] = UpgradeHead.parse(acc.getString(0, end, "ISO-8859-1"));
                bodyStart[0] = end + UpgradeHead.END.length;
                if (head[0].status() == 101) {
                    socket.pause();
                    socket.handler(null);
                    socket.closeHandler(null);
                    socket.exceptionHandler(null);
                    done.tryComplete(new Upgraded(socket, head[0], acc.getBuffer(bodyStart[0], acc.length())));
                    return;
                }
            }
            int length = head[0].contentLength();
            if (length >= 0 && acc.length() - bodyStart[0] >= length) {
                socket.closeHandler(null);
                socket.close();
                done.tryFail(refusal(head[0], acc.getBuffer(bodyStart[0], bodyStart[0] + length)));
            }
        });
    }

    /** A non-101 answer as the Status the client gets: the kubelet's code, its message as the message. */
    static ApiException refusal(UpgradeHead head, Buffer body) {
        String text = body.toString().trim();
        String message = text.isEmpty() ? head.reason() : text;
        return switch (head.status()) {
            case 400 -> ApiException.badRequest(message);
            case 404 -> new ApiException(404, "NotFound", message);
            case 403 -> new ApiException(403, "Forbidden", message);
            case 503 -> ApiException.unavailable(message);
            default -> new ApiException(head.status() >= 400 ? head.status() : 502,
                    head.status() >= 500 || head.status() < 400 ? "InternalError" : "BadRequest", message);
        };
    }
}
