package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What must hold whichever server is behind {@code --etcd-servers=https://...} with client certificates: ConfigMaps
 * are created, read, updated and watched through the apiserver; their JSON is in the server under
 * /registry/configmaps (read with etcdctl and the client certificate); a client without a certificate, or with one
 * of another CA, is refused by the server.
 */
@Timeout(180)
abstract class StorageTlsChecks {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    JsonNode call(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), () -> method + " " + path + " -> " + r.body());
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
    }

    static List<String> etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + TlsStoreResource.endpoint,
                "--dial-timeout=3s", "--command-timeout=5s"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String[] run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    static String pki(String file) {
        return TlsStoreResource.dir.resolve(file).toString();
    }

    @Test
    void configMapsAreCreatedReadUpdatedAndWatchedThroughTls() throws Exception {
        call("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"tls\"}}",
                201);
        String listRv = call("GET", "/api/v1/namespaces/tls/configmaps", null, 200).at("/metadata/resourceVersion").asText();
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        var watch = http.sendAsync(HttpRequest.newBuilder(URI.create(server()
                + "/api/v1/namespaces/tls/configmaps?watch=true&resourceVersion=" + listRv)).build(),
                HttpResponse.BodyHandlers.ofLines());
        watch.thenAccept(r -> new Thread(() -> r.body().forEach(l -> {
            try {
                events.add(Json.parse(l.getBytes(StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).start());
        try {
            JsonNode created = call("POST", "/api/v1/namespaces/tls/configmaps", "{\"apiVersion\":\"v1\","
                    + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"over-tls\"},\"data\":{\"k\":\"v1\"}}", 201);
            assertEquals("v1", call("GET", "/api/v1/namespaces/tls/configmaps/over-tls", null, 200).at("/data/k").asText());
            JsonNode patched = call("PATCH", "/api/v1/namespaces/tls/configmaps/over-tls", "{\"data\":{\"k\":\"v2\"}}",
                    200);
            assertEquals("v2", patched.at("/data/k").asText());

            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                JsonNode e = events.poll(20, TimeUnit.SECONDS);
                assertNotNull(e, "watch event " + i + " missing; got " + seen);
                seen.add(e.path("type").asText() + " " + e.at("/object/metadata/resourceVersion").asText() + " "
                        + e.at("/object/data/k").asText());
            }
            assertEquals(List.of("ADDED " + created.at("/metadata/resourceVersion").asText() + " v1",
                    "MODIFIED " + patched.at("/metadata/resourceVersion").asText() + " v2"), seen);

            String[] stored = run(etcdctl("--cacert=" + pki("ca.crt"), "--cert=" + pki("client.crt"),
                    "--key=" + pki("client.key"), "get", "/registry/configmaps/tls/over-tls", "--print-value-only"));
            assertEquals("0", stored[0], stored[1]);
            JsonNode json = Json.parse(stored[1].trim().getBytes(StandardCharsets.UTF_8));
            assertEquals("v2", json.at("/data/k").asText());
        } finally {
            watch.cancel(true);
        }
    }

    @Test
    void etcdctlWithoutAClientCertificateOrWithAForeignOneIsRefused() throws Exception {
        String[] none = run(etcdctl("--cacert=" + pki("ca.crt"), "get", "/registry/configmaps", "--prefix", "--keys-only"));
        assertNotEquals("0", none[0], none[1]);
        String[] foreign = run(etcdctl("--cacert=" + pki("ca.crt"), "--cert=" + pki("foreign.crt"),
                "--key=" + pki("foreign.key"), "get", "/registry/configmaps", "--prefix", "--keys-only"));
        assertNotEquals("0", foreign[0], foreign[1]);
    }

    static Client jetcd(Optional<String> cert, Optional<String> key) {
        return Client.builder().endpoints(TlsStoreResource.endpoint).waitForReady(false)
                .sslContext(EtcdStore.sslContext(new String[] {TlsStoreResource.endpoint}, Optional.of(pki("ca.crt")),
                        cert, key))
                .build();
    }

    @Test
    void jetcdWithTheServersCaButNoClientCertificateIsRefused() throws Exception {
        try (Client c = jetcd(Optional.empty(), Optional.empty())) {
            Exception e = assertThrows(Exception.class, () -> c.getKVClient()
                    .get(ByteSequence.from("/registry/x", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS));
            assertTrue(e instanceof ExecutionException || e instanceof java.util.concurrent.TimeoutException, e.toString());
        }
        // the same client with the certificate gets an answer
        try (Client c = jetcd(Optional.of(pki("client.crt")), Optional.of(pki("client.key")))) {
            assertTrue(c.getKVClient().get(ByteSequence.from("/registry/x", StandardCharsets.UTF_8))
                    .get(20, TimeUnit.SECONDS).getHeader().getRevision() > 0);
        }
    }
}
