package io.kybernetes.apiserver.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;

/** The upgrade to a kubelet, against a raw server that answers as the kubelet may (in pieces). */
class KubeletDialerTest {

    private static Vertx vertx;
    private static NetServer kubelet;
    private static final AtomicReference<String> answer = new AtomicReference<>();
    private static final AtomicReference<String> request = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        kubelet = vertx.createNetServer().connectHandler(s -> {
            Buffer in = Buffer.buffer();
            s.handler(b -> {
                in.appendBuffer(b);
                if (UpgradeHead.end(in) >= 0 && request.get() == null) {
                    request.set(in.toString());
                    String a = answer.get();
                    // the head split across two writes, as a slow peer would send it
                    s.write(a.substring(0, 10));
                    vertx.setTimer(20, t -> s.write(a.substring(10)));
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private KubeletDialer.Upgraded dial(String kubeletAnswer) throws Exception {
        request.set(null);
        answer.set(kubeletAnswer);
        KubeletDialer d = new KubeletDialer(vertx, vertx.createNetClient());
        return d.upgrade("127.0.0.1", kubelet.actualPort(), "/exec/ns/p/c?command=ls&stdout=1",
                Map.of("X-Stream-Protocol-Version", List.of("v4.channel.k8s.io", "channel.k8s.io")))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void a101GivesTheSocketAndTheBytesPastTheHead() throws Exception {
        KubeletDialer.Upgraded up = dial("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                + "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\nearly");
        assertEquals(101, up.head().status());
        assertEquals("v4.channel.k8s.io", up.head().header("X-Stream-Protocol-Version"));
        assertEquals("early", up.rest().toString());
        up.socket().close();
        String req = request.get();
        assertTrue(req.startsWith("GET /exec/ns/p/c?command=ls&stdout=1 HTTP/1.1\r\n"), req);
        assertTrue(req.contains("X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: channel.k8s.io\r\n"), req);
    }

    @Test
    void aRefusalBecomesTheKubeletsStatus() {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> dial("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 39\r\n\r\n"
                        + "container c is not running in pod ns/p\n"));
        ApiException api = (ApiException) e.getCause();
        assertEquals(404, api.code());
        assertEquals("container c is not running in pod ns/p", api.getMessage());
    }
}
