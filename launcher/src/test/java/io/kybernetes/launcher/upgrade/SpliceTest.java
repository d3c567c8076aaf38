package io.kybernetes.launcher.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * A backend that writes a large answer and closes at once, spliced to a client that reads slowly: every byte
 * reaches the client before its connection closes (the bytes a paused socket holds are not dropped on close).
 */
class SpliceTest {

    private static final byte[] DATA = new byte[768 * 1024];

    static {
        new Random(7).nextBytes(DATA);
    }

    private Vertx vertx;
    private NetServer backend;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        backend = vertx.createNetServer().connectHandler(s -> s.write(Buffer.buffer(DATA)).onComplete(v -> s.close()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void socketsDeliverEverythingTheBackendWroteBeforeClosing() throws Exception {
        NetServer front = vertx.createNetServer(new NetServerOptions().setSendBufferSize(8 * 1024)).connectHandler(client -> {
            client.pause();
            vertx.createNetClient().connect(backend.actualPort(), "127.0.0.1").onSuccess(b -> {
                b.pause();
                Splice.sockets(client, b, Buffer.buffer("head:"));
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", front.actualPort()));
            s.setSoTimeout(20_000);
            Thread.sleep(1500); // the backend has written and closed while the client's queue was full
            byte[] got = readAll(s.getInputStream());
            assertEquals("head:", new String(got, 0, 5));
            assertEquals(DATA.length, got.length - 5);
            assertArrayEquals(DATA, java.util.Arrays.copyOfRange(got, 5, got.length));
        }
    }

    @Test
    void tunnelDeliversEverythingTheBackendWroteBeforeClosing() throws Exception {
        // as the apiserver does: dial the backend first, then accept the client's upgrade
        var server = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(8 * 1024)).requestHandler(req -> {
            req.pause();
            vertx.createNetClient().connect(backend.actualPort(), "127.0.0.1").onSuccess(b -> {
                b.pause();
                req.toWebSocket().onSuccess(ws -> Splice.tunnel(ws, b, Buffer.buffer()));
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        java.net.http.WebSocket ws = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.actualPort() + "/"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public void onOpen(java.net.http.WebSocket w) {
                        // no demand yet: the client reads nothing until the backend has written and closed
                    }

                    @Override
                    public CompletionStage<?> onBinary(java.net.http.WebSocket w, ByteBuffer data, boolean last) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        synchronized (got) {
                            got.writeBytes(b);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        Thread.sleep(1500);
        ws.request(Long.MAX_VALUE);
        assertEquals(1000, closed.get(20, TimeUnit.SECONDS));
        synchronized (got) {
            assertEquals(DATA.length, got.size());
            assertArrayEquals(DATA, got.toByteArray());
        }
    }

    private static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
