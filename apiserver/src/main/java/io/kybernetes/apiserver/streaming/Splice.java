package io.kybernetes.apiserver.streaming;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.NetSocket;

/** Byte-for-byte joins of two upgraded connections, with back-pressure; when either side closes, both close. */
final class Splice {

    private Splice() {
    }

    /** Two raw sockets (an upgrade relayed as is). */
    static void sockets(NetSocket client, NetSocket backend, Buffer rest) {
        oneWay(client, backend);
        oneWay(backend, client);
        if (rest.length() > 0) {
            client.write(rest);
        }
        backend.resume();
        client.resume();
    }

    private static void oneWay(NetSocket from, NetSocket to) {
        from.handler(b -> {
            to.write(b);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
        from.endHandler(v -> to.close());
        from.closeHandler(v -> to.close());
        from.exceptionHandler(e -> from.close());
    }

    /**
     * A WebSocket whose binary messages carry the raw bytes of another protocol (kubectl's port-forward tunnels
     * SPDY/3.1 through {@code SPDY/3.1+portforward.k8s.io}) and the kubelet's socket speaking that protocol.
     */
    static void tunnel(WebSocketBase ws, NetSocket backend, Buffer rest) {
        ws.binaryMessageHandler(b -> {
            backend.write(b);
            if (backend.writeQueueFull()) {
                ws.pause();
                backend.drainHandler(v -> ws.resume());
            }
        });
        ws.closeHandler(v -> backend.close());
        ws.exceptionHandler(e -> ws.close());
        backend.handler(b -> {
            ws.writeBinaryMessage(b);
            if (ws.writeQueueFull()) {
                backend.pause();
                ws.drainHandler(v -> backend.resume());
            }
        });
        backend.closeHandler(v -> {
            if (!ws.isClosed()) {
                ws.close((short) 1000);
            }
        });
        backend.exceptionHandler(e -> backend.close());
        if (rest.length() > 0) {
            ws.writeBinaryMessage(rest);
        }
        backend.resume();
    }
}
