package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Server-side apply (field ownership, conflicts, force, removal, client-side migration) driven by the real kubectl. */
@QuarkusTest
@Timeout(90)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class ServerSideApplyIntegrationTest {

    record Result(int exit, String out, String err) {
    }

    @TestHTTPResource("/")
    URL base;

    static Path home;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void scratch() throws IOException {
        home = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-ssa-");
    }

    @AfterAll
    static void cleanup() throws IOException {
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    @BeforeEach
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (http.send(HttpRequest.newBuilder(URI.create(server() + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "apiserver not ready within 30 s");
            Thread.sleep(200);
        }
    }

    String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    Result kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--server", server(), "--request-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }

    String ok(String... args) throws Exception {
        Result r = kubectl(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.err() + r.out());
        return r.out();
    }

    String file(String name, String content) throws IOException {
        Path f = home.resolve(name);
        Files.writeString(f, content);
        return f.toString();
    }

    static String configMap(String name, String data) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n" + data;
    }

    JsonNode managedFields(String kind, String name) throws Exception {
        JsonNode obj = Json.parseYaml(ok("get", kind, name, "-o", "yaml", "--show-managed-fields").getBytes());
        return obj.path("metadata").path("managedFields");
    }

    static JsonNode entry(JsonNode managedFields, String manager, String operation) {
        for (JsonNode e : managedFields) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void conflictingManagersNeedForce() throws Exception {
        String one = file("c1.yaml", configMap("ssa-conflict", "  a: \"1\"\n  b: \"1\"\n"));
        String two = file("c2.yaml", configMap("ssa-conflict", "  a: \"2\"\n"));
        assertEquals("configmap/ssa-conflict serverside-applied\n",
                ok("apply", "--server-side", "--field-manager=one", "-f", one));

        Result r = kubectl("apply", "--server-side", "--field-manager=two", "-f", two);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("conflict"), r.err());
        assertTrue(r.err().contains("conflict with \"one\": .data.a"), r.err());
        assertEquals("1", ok("get", "configmap", "ssa-conflict", "-o", "jsonpath={.data.a}"));

        ok("apply", "--server-side", "--field-manager=two", "--force-conflicts", "-f", two);
        assertEquals("2", ok("get", "configmap", "ssa-conflict", "-o", "jsonpath={.data.a}"));
        JsonNode mf = managedFields("configmap", "ssa-conflict");
        JsonNode second = entry(mf, "two", "Apply");
        assertNotNull(second, mf.toString());
        assertEquals(Json.parse("{\"f:data\":{\"f:a\":{}}}".getBytes()), second.get("fieldsV1"));
        assertEquals("FieldsV1", second.path("fieldsType").asText());
        assertEquals("v1", second.path("apiVersion").asText());
        assertEquals(Json.parse("{\"f:data\":{\"f:b\":{}}}".getBytes()), entry(mf, "one", "Apply").get("fieldsV1"));

        // without --show-managed-fields kubectl hides them, as upstream; the server still sends them
        assertFalse(ok("get", "configmap", "ssa-conflict", "-o", "yaml").contains("managedFields"));
        assertTrue(ok("get", "--raw", "/api/v1/namespaces/default/configmaps/ssa-conflict").contains("managedFields"));
    }

    @Test
    void sameValueIsSharedWithoutConflict() throws Exception {
        String one = file("s1.yaml", configMap("ssa-shared", "  a: \"1\"\n"));
        ok("apply", "--server-side", "--field-manager=one", "-f", one);
        ok("apply", "--server-side", "--field-manager=two", "-f", one);
        JsonNode mf = managedFields("configmap", "ssa-shared");
        assertNotNull(entry(mf, "one", "Apply"), mf.toString());
        assertNotNull(entry(mf, "two", "Apply"), mf.toString());
    }

    @Test
    void fieldsDroppedFromTheManifestAreRemoved() throws Exception {
        ok("apply", "--server-side", "-f", file("r1.yaml", configMap("ssa-remove", "  a: \"1\"\n  b: \"2\"\n")));
        ok("apply", "--server-side", "-f", file("r2.yaml", configMap("ssa-remove", "  a: \"1\"\n")));
        JsonNode data = Json.parse(ok("get", "configmap", "ssa-remove", "-o", "json").getBytes()).path("data");
        assertEquals(Json.parse("{\"a\":\"1\"}".getBytes()), data);
    }

    static String deployment(int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ssa-migrate
                  labels:
                    app: ssa-migrate
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: ssa-migrate
                  template:
                    metadata:
                      labels:
                        app: ssa-migrate
                    spec:
                      containers:
                      - name: web
                        image: %s
                        ports:
                        - containerPort: 80
                """.formatted(replicas, image);
    }

    @Test
    void clientSideApplyThenServerSideApply() throws Exception {
        assertEquals("deployment.apps/ssa-migrate created\n",
                ok("apply", "-f", file("d1.yaml", deployment(1, "nginx"))));
        JsonNode csa = entry(managedFields("deployment", "ssa-migrate"), "kubectl-client-side-apply", "Update");
        assertNotNull(csa);
        assertTrue(csa.path("fieldsV1").path("f:spec").path("f:template").path("f:spec").path("f:containers")
                .has("k:{\"name\":\"web\"}"), csa.toString());

        assertEquals("deployment.apps/ssa-migrate serverside-applied\n",
                ok("apply", "--server-side", "-f", file("d2.yaml", deployment(2, "nginx:1.27"))));
        JsonNode obj = Json.parse(ok("get", "deployment", "ssa-migrate", "-o", "json").getBytes());
        assertEquals(2, obj.path("spec").path("replicas").asInt());
        assertEquals("nginx:1.27", obj.path("spec").path("template").path("spec").path("containers").get(0)
                .path("image").asText());
        JsonNode mf = managedFields("deployment", "ssa-migrate");
        JsonNode applied = entry(mf, "kubectl", "Apply");
        assertNotNull(applied, mf.toString());
        assertTrue(applied.path("fieldsV1").path("f:spec").has("f:replicas"), applied.toString());
        // kubectl then moves what client-side apply owned to its server-side manager (a JSON patch of managedFields)
        assertEquals(null, entry(mf, "kubectl-client-side-apply", "Update"), mf.toString());
        // and the next server-side apply that drops a field removes it
        ok("apply", "--server-side", "-f", file("d3.yaml", deployment(2, "nginx:1.27").replace(
                "  labels:\n    app: ssa-migrate\nspec", "spec")));
        obj = Json.parse(ok("get", "deployment", "ssa-migrate", "-o", "json").getBytes());
        assertTrue(obj.path("metadata").path("labels").isEmpty(), obj.path("metadata").toString());
        assertEquals("ssa-migrate", obj.path("spec").path("template").path("metadata").path("labels").path("app").asText());
        assertEquals(2, obj.path("spec").path("replicas").asInt());
    }

    HttpResponse<String> patch(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server() + path)).header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void applyOverHttp() throws Exception {
        String path = "/api/v1/namespaces/default/configmaps/ssa-http";
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa-http\"},"
                + "\"data\":{\"a\":\"1\"}}";
        HttpResponse<String> noManager = patch(path, "application/apply-patch+yaml", body);
        assertEquals(422, noManager.statusCode(), noManager.body());
        assertTrue(noManager.body().contains("fieldManager: Required value: is required for apply patch"),
                noManager.body());

        HttpResponse<String> created = patch(path + "?fieldManager=first", "application/apply-patch+yaml", body);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode mf = Json.parse(created.body().getBytes()).path("metadata").path("managedFields");
        assertEquals("first", mf.get(0).path("manager").asText());
        assertEquals("Apply", mf.get(0).path("operation").asText());

        HttpResponse<String> conflict = patch(path + "?fieldManager=second&force=false", "application/apply-patch+yaml",
                body.replace("\"1\"", "\"2\""));
        assertEquals(409, conflict.statusCode(), conflict.body());
        JsonNode status = Json.parse(conflict.body().getBytes());
        assertEquals("Conflict", status.path("reason").asText());
        assertEquals("Apply failed with 1 conflict: conflict with \"first\": .data.a", status.path("message").asText());
        JsonNode cause = status.path("details").path("causes").get(0);
        assertEquals("FieldManagerConflict", cause.path("reason").asText());
        assertEquals(".data.a", cause.path("field").asText());

        // a merge patch without fieldManager is an Update named after the User-Agent; it takes the field over
        HttpResponse<String> updated = patch(path, "application/merge-patch+json", "{\"data\":{\"a\":\"3\"}}");
        assertEquals(200, updated.statusCode(), updated.body());
        JsonNode after = Json.parse(updated.body().getBytes()).path("metadata").path("managedFields");
        JsonNode update = entry(after, "Java-http-client", "Update");
        assertNotNull(update, after.toString());
        assertEquals(Json.parse("{\"f:data\":{\"f:a\":{}}}".getBytes()), update.get("fieldsV1"));
        assertEquals(null, entry(after, "first", "Apply"), after.toString());
    }

    @Test
    void kubectlCreateIsRecordedAsAnUpdate() throws Exception {
        ok("create", "configmap", "ssa-create", "--from-literal=k=v");
        JsonNode e = entry(managedFields("configmap", "ssa-create"), "kubectl-create", "Update");
        assertNotNull(e);
        assertEquals(Json.parse("{\"f:data\":{\".\":{},\"f:k\":{}}}".getBytes()), e.get("fieldsV1"));
    }
}
