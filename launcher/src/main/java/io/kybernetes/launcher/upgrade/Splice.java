package io.kybernetes.launcher.upgrade;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.NetSocket;

/**
 * Byte-for-byte joins of two upgraded connections (the apiserver's and the kubelet's exec/attach/port-forward
 * relays), with back-pressure; when either side ends, the other is closed after everything read from the ended side
 * was written to it. Hand-written because Vert.x has no pipe for an upgraded socket whose close must wait for the
 * data it still holds: a socket paused by back-pressure keeps the bytes it read, and its close handler runs at once
 * while only its end handler comes after those bytes, so closing from the close handler cut streams short
 * ({@code kubectl cp} of a large file ended in "unexpected EOF").
 */
public final class Splice {

    private Splice() {
    }

    /** Two raw sockets; {@code rest} (bytes read from {@code backend} past its upgrade answer) goes to the client. */
    public static void sockets(NetSocket client, NetSocket backend, Buffer rest) {
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
        // the end comes after every buffered byte was handed to the handler above, also when the connection broke
        from.endHandler(v -> to.close());
        from.exceptionHandler(e -> from.close());
    }

    /**
     * A WebSocket whose binary messages carry the raw bytes of another protocol (kubectl's port-forward tunnels
     * SPDY/3.1 through {@code SPDY/3.1+portforward.k8s.io}) and the backend's socket speaking that protocol.
     */
    public static void tunnel(WebSocketBase ws, NetSocket backend, Buffer rest) {
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
            if (ws.isClosed()) {
                return;
            }
            ws.writeBinaryMessage(b);
            if (ws.writeQueueFull()) {
                backend.pause();
                ws.drainHandler(v -> backend.resume());
            }
        });
        backend.endHandler(v -> {
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
