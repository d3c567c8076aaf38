package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.internal.WatchConnectionManager;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Watches over WebSocket upgrades, as fabric8's kubernetes-client does them by default, on a real etcd 3.4: a
 * fabric8 watch and informer with default settings, and the wire (text messages, subprotocol, close codes) with the
 * JDK WebSocket client. Changes are made with a separate plain HTTP client.
 */
@QuarkusTest
@Timeout(90)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class WebSocketWatchIntegrationTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();
    KubernetesClient fabric8;

    String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    @BeforeEach
    void client() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server()).withRequestTimeout(20_000).build();
        fabric8 = new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterEach
    void closeClient() {
        fabric8.close();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertTrue(r.statusCode() / 100 == 2, () -> method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
    }

    void namespace(String ns) throws Exception {
        ok("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}");
    }

    static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\""
                + value + "\"}}";
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    record Seen(String type, String name, String value) {
    }

    @Test
    void fabric8WatchOverWebSocketSeesChanges() throws Exception {
        namespace("ws-watch");
        BlockingQueue<Seen> events = new LinkedBlockingQueue<>();
        Watch watch = fabric8.configMaps().inNamespace("ws-watch").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap cm) {
                events.add(new Seen(action.name(), cm.getMetadata().getName(),
                        cm.getData() == null ? null : cm.getData().get("k")));
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        try {
            // fabric8 falls back to a plain HTTP watch (WatchHTTPManager) when the upgrade is not answered with 101
            assertInstanceOf(WatchConnectionManager.class, watch);
            ok("POST", "/api/v1/namespaces/ws-watch/configmaps", configMap("c1", "one"));
            ok("PUT", "/api/v1/namespaces/ws-watch/configmaps/c1", configMap("c1", "two"));
            ok("DELETE", "/api/v1/namespaces/ws-watch/configmaps/c1", null);
            List<Seen> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Seen s = events.poll(20, TimeUnit.SECONDS);
                assertNotNull(s, () -> "events so far: " + seen);
                seen.add(s);
            }
            assertEquals(List.of(new Seen("ADDED", "c1", "one"), new Seen("MODIFIED", "c1", "two"),
                    new Seen("DELETED", "c1", "two")), seen);
        } finally {
            watch.close();
        }
    }

    @Test
    void fabric8InformerSyncsAndSeesCreateAndDelete() throws Exception {
        namespace("ws-informer");
        ok("POST", "/api/v1/namespaces/ws-informer/pods", pod("before"));
        BlockingQueue<Seen> events = new LinkedBlockingQueue<>();
        SharedIndexInformer<Pod> informer = fabric8.pods().inNamespace("ws-informer").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                events.add(new Seen("ADD", p.getMetadata().getName(), null));
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                events.add(new Seen("UPDATE", newPod.getMetadata().getName(), null));
            }

            @Override
            public void onDelete(Pod p, boolean finalStateUnknown) {
                events.add(new Seen("DELETE", p.getMetadata().getName(), null));
            }
        }, 0);
        try {
            await(informer::hasSynced, "the informer to sync");
            assertEquals(List.of("before"), informer.getStore().listKeys().stream().map(k -> k.split("/")[1]).toList());
            assertEquals(new Seen("ADD", "before", null), events.poll(20, TimeUnit.SECONDS));
            ok("POST", "/api/v1/namespaces/ws-informer/pods", pod("p1"));
            assertEquals(new Seen("ADD", "p1", null), events.poll(20, TimeUnit.SECONDS));
            // unbound: removed at once
            ok("DELETE", "/api/v1/namespaces/ws-informer/pods/p1", null);
            assertEquals(new Seen("DELETE", "p1", null), events.poll(20, TimeUnit.SECONDS));
            assertEquals(List.of("ws-informer/before"), informer.getStore().listKeys());
            assertTrue(informer.isWatching());
        } finally {
            informer.close();
        }
    }

    static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    }

    /** A JDK WebSocket listener that keeps whole text messages and the close code. */
    static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(Json.parse(partial.toString().getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    closed.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    WebSocket connect(String path, Recorder recorder, String... subprotocols) {
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + base.getPort() + path), recorder).join();
    }

    @Test
    void eachEventIsOneTextMessageAndTheTimeoutClosesNormally() throws Exception {
        namespace("ws-wire");
        ok("POST", "/api/v1/namespaces/ws-wire/configmaps", configMap("w1", "x"));
        Recorder rec = new Recorder();
        WebSocket ws = connect("/api/v1/namespaces/ws-wire/configmaps?watch=true&timeoutSeconds=2", rec,
                "base64.binary.k8s.io");
        assertEquals("base64.binary.k8s.io", ws.getSubprotocol());
        JsonNode first = rec.messages.poll(20, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals("ADDED", first.path("type").asText());
        assertEquals("ConfigMap", first.at("/object/kind").asText());
        assertEquals("w1", first.at("/object/metadata/name").asText());
        assertEquals(1000, rec.closed.get(20, TimeUnit.SECONDS));
        assertTrue(rec.messages.isEmpty(), () -> "unexpected: " + rec.messages);
    }

    /**
     * A resourceVersion that neither the watch cache's window nor the store still holds is 410 Gone. Secrets are
     * watched by no other test here, so no shared watch keeps a window of them.
     */
    @Test
    void tooOldResourceVersionIsAnErrorMessageThenClose() throws Exception {
        namespace("ws-gone");
        String rv = ok("POST", "/api/v1/namespaces/ws-gone/secrets", secret("g1", "eA=="))
                .at("/metadata/resourceVersion").asText();
        ok("PUT", "/api/v1/namespaces/ws-gone/secrets/g1", secret("g1", "eQ=="));
        long current = ok("PUT", "/api/v1/namespaces/ws-gone/secrets/g1", secret("g1", "eg=="))
                .at("/metadata/resourceVersion").asLong();
        Process c = new ProcessBuilder("etcdctl", "--endpoints=" + EtcdResource.endpoint, "compact",
                Long.toString(current)).redirectErrorStream(true).start();
        assertTrue(c.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, c.exitValue());
        Recorder rec = new Recorder();
        // the change after rv was compacted away
        connect("/api/v1/namespaces/ws-gone/secrets?watch=true&resourceVersion=" + rv, rec);
        JsonNode e = rec.messages.poll(20, TimeUnit.SECONDS);
        assertNotNull(e);
        assertEquals("ERROR", e.path("type").asText());
        assertEquals(410, e.at("/object/code").asInt());
        assertEquals("Expired", e.at("/object/reason").asText());
        assertEquals(1000, rec.closed.get(20, TimeUnit.SECONDS));
    }

    static String secret(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":{\"k\":\"" + value + "\"}}";
    }

    /** etcd's own count of its open watchers. */
    static long etcdWatchers() throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(EtcdResource.endpoint
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("etcd_debugging_mvcc_watcher_total "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no etcd_debugging_mvcc_watcher_total"));
    }

    /**
     * Client watches of one resource share one store watch, whatever their namespaces; it ends once the last of
     * them has closed (after the linger, 1 s under test). Limit ranges are watched by no other test here.
     */
    @Test
    void clientWatchesShareOneStoreWatchThatEndsAfterTheLast() throws Exception {
        namespace("ws-close");
        namespace("ws-close2");
        long before = etcdWatchers();
        List<WebSocket> sockets = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        for (String path : List.of("/api/v1/namespaces/ws-close/limitranges?watch=true",
                "/api/v1/namespaces/ws-close2/limitranges?watch=true", "/api/v1/limitranges?watch=true")) {
            Recorder rec = new Recorder();
            recorders.add(rec);
            sockets.add(connect(path, rec));
        }
        await(() -> {
            try {
                return etcdWatchers() == before + 1;
            } catch (Exception e) {
                return false;
            }
        }, "one shared store watch to open");
        Thread.sleep(500);
        assertEquals(before + 1, etcdWatchers(), "three client watches, one store watch");
        for (int i = 0; i < sockets.size(); i++) {
            sockets.get(i).sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            assertEquals(1000, recorders.get(i).closed.get(20, TimeUnit.SECONDS));
        }
        await(() -> {
            try {
                return etcdWatchers() == before;
            } catch (Exception e) {
                return false;
            }
        }, "the store watch to be cancelled");
    }

    record Raw(int status, Map<String, String> headers, String body) {
    }

    /** A WebSocket upgrade request by hand: the JDK clients refuse to send Upgrade headers on plain requests. */
    Raw upgrade(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", base.getPort())) {
            s.setSoTimeout(10_000);
            String req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String status = line(in);
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Raw(Integer.parseInt(status.split(" ")[1]), headers, body);
        }
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/x",
        "/api/v1/namespaces", "/api", "/apis/apps/v1"})
    void upgradeOfANonWatchRequestIsABadRequest(String path) throws Exception {
        Raw r = upgrade(path);
        assertEquals(400, r.status(), r::toString);
        JsonNode status = Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("Status", status.path("kind").asText());
        assertEquals("BadRequest", status.path("reason").asText());
        assertEquals(400, status.path("code").asInt());
    }

    @Test
    void upgradeOfAWatchAnswers101() throws Exception {
        Raw r = upgrade("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1");
        assertEquals(101, r.status(), r::toString);
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", r.headers().get("Sec-WebSocket-Accept"));
    }
}
