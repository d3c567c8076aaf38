package io.kybernetes.launcher.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** An upgrade by GET and by POST (kubectl's SPDY) both become a raw socket whose 101 carries the given headers. */
class ClientConnectionsTest {

    private static Vertx vertx;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            req.pause();
            // answer later, as the real route does once the kubelet accepted
            vertx.setTimer(50, t -> ClientConnections.upgrade(req, List.of(new String[] {"Connection", "Upgrade"},
                    new String[] {"Upgrade", "SPDY/3.1"}, new String[] {"X-Stream-Protocol-Version", "v4.channel.k8s.io"}))
                    .onSuccess(socket -> socket.handler(b -> socket.write("echo:" + b)).resume()));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST"})
    void upgradesAndCarriesBytes(String method) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((method + " /api/v1/namespaces/d/pods/p/exec?command=ls HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.contains("X-Stream-Protocol-Version: v4.channel.k8s.io"), head);
            assertTrue(head.toLowerCase().contains("upgrade: spdy/3.1"), head);
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] echo = in.readNBytes("echo:ping".length());
            assertEquals("echo:ping", new String(echo, StandardCharsets.US_ASCII));
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }
}
