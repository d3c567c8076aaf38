package io.kybernetes.launcher.upgrade;

import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetSocketImpl;
import io.vertx.core.net.impl.VertxHandler;

/**
 * Turns the client's HTTP/1.1 connection into a raw socket after answering its upgrade with 101 and the given
 * headers (those of the backend's 101, which carry the negotiated protocol, e.g. X-Stream-Protocol-Version). Shared
 * by the apiserver (kubectl's exec, attach and port-forward) and the kubelet (its streaming endpoints).
 * <p>
 * For a GET, Vert.x's {@link HttpServerRequest#toNetSocket()} does it. Vert.x 4 refuses it for any other method
 * ("HTTP method must be CONNECT or an HTTP upgrade"), but SPDY clients send their upgrade as a POST: that
 * refusal, swallowed, was the old hang. For a POST the same steps Vert.x takes for a GET are taken here on the
 * connection's
 * Netty pipeline (write the 101, drop the HTTP codec, let a Vert.x NetSocket own the channel), through Vert.x's
 * public impl classes rather than reflection. The socket of a POST comes back paused: resume it once its handlers
 * are set.
 */
public final class ClientConnections {

    private ClientConnections() {
    }

    public static Future<NetSocket> upgrade(HttpServerRequest req, List<String[]> headers) {
        var res = req.response();
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase("Content-Length") && !h[0].equalsIgnoreCase("Transfer-Encoding")) {
                res.headers().add(h[0], h[1]);
            }
        }
        if (req.method() == HttpMethod.GET) {
            return req.toNetSocket();
        }
        if (!(req.connection() instanceof ConnectionBase conn)) {
            return Future.failedFuture("cannot take over a " + req.version() + " connection");
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        res.headers().forEach(e -> head.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n"));
        head.append("\r\n");
        ChannelHandlerContext chctx = conn.channelHandlerContext();
        ContextInternal context = conn.getContext();
        Promise<NetSocket> done = context.promise();
        chctx.executor().execute(() -> {
            try {
                ChannelPipeline pipeline = chctx.pipeline();
                for (String name : new String[] {"deflater", "inflater", "chunkedWriter", "httpDecoder", "httpEncoder"}) {
                    if (pipeline.get(name) != null) {
                        pipeline.remove(name);
                    }
                }
                chctx.channel().writeAndFlush(Unpooled.copiedBuffer(head.toString(),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                pipeline.replace("handler", "handler",
                        VertxHandler.create(ctx -> new NetSocketImpl(context, ctx, null, null, false)));
                @SuppressWarnings("unchecked")
                VertxHandler<NetSocketImpl> handler = (VertxHandler<NetSocketImpl>) pipeline.get("handler");
                // paused until the caller has set its handlers: the client sends its first frames as soon as it
                // reads the 101, and a NetSocket without a handler drops what it reads
                NetSocketImpl socket = handler.getConnection();
                socket.pause();
                done.complete(socket);
            } catch (RuntimeException e) {
                chctx.close();
                done.tryFail(e);
            }
        });
        return done.future();
    }
}
