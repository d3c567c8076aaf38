package io.kybernetes.apiserver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.kybernetes.apiserver.it.EtcdResource;
import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The metrics API end to end inside the apiserver: a fake kubelet on loopback serves a /stats/summary whose
 * counters grow at known rates (node 500m, container 250m, 50 MiB working set); the apiserver scrapes it every
 * second and the real kubectl's {@code top} prints the rates.
 */
@QuarkusTest
@Timeout(90)
@TestProfile(MetricsApiIntegrationTest.FastScrape.class)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class MetricsApiIntegrationTest {

    public static class FastScrape implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kybernetes.metric-resolution", "1s");
        }
    }

    static HttpServer kubelet;
    static final long START = System.nanoTime();
    static Path home;

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void fakeKubelet() throws IOException {
        home = Files.createTempDirectory(Path.of("/tmp"), "apiserver-metrics-it-");
        kubelet = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        kubelet.createContext("/stats/summary", ex -> {
            double seconds = (System.nanoTime() - START) / 1e9;
            String now = Instant.now().toString();
            String body = "{\"node\":{\"nodeName\":\"fake\",\"cpu\":{\"time\":\"" + now + "\",\"usageCoreNanoSeconds\":"
                    + (long) (seconds * 500_000_000L) + "},\"memory\":{\"workingSetBytes\":1073741824}},"
                    + "\"pods\":[{\"podRef\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u1\"},"
                    + "\"containers\":[{\"name\":\"c\",\"cpu\":{\"time\":\"" + now + "\",\"usageCoreNanoSeconds\":"
                    + (long) (seconds * 250_000_000L) + "},\"memory\":{\"workingSetBytes\":52428800}}]}]}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        kubelet.start();
    }

    @AfterAll
    static void stop() throws IOException {
        kubelet.stop(0);
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--server", server(), "--request-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue() + "\n" + out;
    }

    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (send("GET", "/readyz", null).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "apiserver not ready within 30 s");
            Thread.sleep(200);
        }
    }

    @Test
    void kubectlTopPrintsTheScrapedRates() throws Exception {
        awaitReady();
        int port = kubelet.getAddress().getPort();
        String node = "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"fake\",\"labels\":{\"zone\":\"a\"}},"
                + "\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],"
                + "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + port + "}},"
                + "\"allocatable\":{\"cpu\":\"2\",\"memory\":\"4Gi\"},\"capacity\":{\"cpu\":\"2\",\"memory\":\"4Gi\"}}}";
        assertEquals(201, send("POST", "/api/v1/nodes", node).statusCode());
        HttpResponse<String> cur = send("GET", "/api/v1/nodes/fake", null);
        JsonNode stored = Json.parse(cur.body().getBytes());
        if (stored.path("status").path("addresses").isEmpty()) {
            // status is a subresource: the kubelet writes it there
            assertEquals(200, send("PUT", "/api/v1/nodes/fake/status", mergeStatus(stored, node)).statusCode());
        }
        assertEquals(201, send("POST", "/api/v1/namespaces/default/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}").statusCode());

        // discovery
        String resources = kubectl("api-resources", "--api-group=metrics.k8s.io");
        assertTrue(resources.contains("PodMetrics") && resources.contains("NodeMetrics"), resources);

        // two scrapes give a rate
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> r;
        while ((r = send("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web", null)).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "no pod metrics: " + r.body());
            Thread.sleep(300);
        }
        JsonNode pm = Json.parse(r.body().getBytes());
        assertEquals("PodMetrics", pm.path("kind").asText());
        assertEquals("web", pm.path("metadata").path("labels").path("app").asText());
        assertTrue(pm.path("window").asText().endsWith("s"), pm.toString());
        assertEquals("50Mi", pm.path("containers").get(0).path("usage").path("memory").asText());

        String top = kubectl("top", "pod", "web", "--no-headers");
        String[] f = top.lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow().trim().split("\\s+");
        assertEquals("50Mi", f[2], top);
        long milli = Long.parseLong(f[1].replace("m", ""));
        assertTrue(milli >= 225 && milli <= 275, top);

        String topNode = kubectl("top", "node", "--no-headers");
        String[] n = topNode.lines().filter(l -> l.startsWith("fake ")).findFirst().orElseThrow().trim().split("\\s+");
        long nodeMilli = Long.parseLong(n[1].replace("m", ""));
        assertTrue(nodeMilli >= 450 && nodeMilli <= 550, topNode);
        assertEquals("1024Mi", n[3], topNode);
        assertEquals("25%", n[4], topNode);

        String all = kubectl("top", "pod", "-A", "-l", "app=web", "--containers", "--no-headers");
        assertTrue(all.lines().anyMatch(l -> l.matches("default\\s+web\\s+c\\s+\\d+m\\s+50Mi\\s*")), all);
        String none = kubectl("top", "pod", "-l", "app=nothing");
        assertTrue(none.contains("No resources found") || none.contains("metrics not available"), none);

        assertEquals(404, send("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope", null).statusCode());
        assertTrue(send("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope", null).body()
                .contains("podmetrics.metrics.k8s.io \\\"nope\\\" not found"));
        assertEquals(405, send("POST", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", "{}").statusCode());
        assertEquals(404, send("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/nodes", null).statusCode());
        String list = send("GET", "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Da", null).body();
        assertTrue(list.contains("\"NodeMetricsList\"") && list.contains("\"fake\""), list);
        String empty = send("GET", "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Db", null).body();
        assertTrue(!empty.contains("\"fake\""), empty);
    }

    static String mergeStatus(JsonNode stored, String node) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) stored
                .deepCopy();
        copy.set("status", Json.parse(node.getBytes()).path("status"));
        return Json.text(copy);
    }
}
