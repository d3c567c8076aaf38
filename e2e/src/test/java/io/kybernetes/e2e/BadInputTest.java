package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 6, Done-when 4: malformed and hostile requests get upstream's status code and reason as a {@code Status}
 * object (never a stack trace), and change nothing in the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {

    private static final String NS = "badinput";
    private static final String API = Cli.API;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = Cli.apiHttpClient();
    private static final String CM = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final String JSON_TYPE = "application/json";

    private Map<String, String> before;

    /** One request and the answer upstream gives it. */
    record Bad(String name, String method, String path, String contentType, String body, int code, String reason,
            String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Bad bad(String name, String method, String path, String type, String body, int code, String reason,
            String message) {
        return new Bad(name, method, path, type, body, code, reason, message);
    }

    private static String cm(String name, String extra) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"" + extra
                + "},\"data\":{\"a\":\"b\"}}";
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Stream<Bad> cases() {
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        String big = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\""
                + "x".repeat(4 * 1024 * 1024) + "\"}}";
        String pod = "/api/v1/namespaces/" + NS + "/pods";
        String deploy = "/apis/apps/v1/namespaces/" + NS + "/deployments";
        List<Bad> c = new ArrayList<>();
        // bodies that are not the object
        c.add(bad("truncated JSON", "POST", CM, JSON_TYPE, "{\"apiVersion\":\"v1\",", 400, "BadRequest", null));
        c.add(bad("JSON array instead of an object", "POST", CM, JSON_TYPE, "[]", 400, "BadRequest", null));
        c.add(bad("not JSON at all", "POST", CM, JSON_TYPE, "hello", 400, "BadRequest", null));
        c.add(bad("empty body", "POST", CM, JSON_TYPE, "", 400, "BadRequest", null));
        c.add(bad("broken YAML", "POST", CM, "application/yaml", "apiVersion: v1\nkind: [ConfigMap\n", 400, "BadRequest", null));
        c.add(bad("garbage protobuf", "POST", CM, "application/vnd.kubernetes.protobuf", "k8s\0garbage", 400, "BadRequest", null));
        c.add(bad("unsupported content type", "POST", CM, "text/plain", cm("plain", ""), 415, "UnsupportedMediaType", null));
        c.add(bad("deeply nested JSON", "POST", CM, JSON_TYPE, deep, 400, "BadRequest", null));
        c.add(bad("body over 3 MiB", "POST", CM, JSON_TYPE, big, 413, "RequestEntityTooLarge", null));
        c.add(bad("a Pod posted to configmaps", "POST", CM, JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x8\"}}", 400, "BadRequest", null));
        c.add(bad("a ConfigMap with apiVersion apps/v1", "POST", CM, JSON_TYPE,
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x9\"}}", 400, "BadRequest", null));
        c.add(bad("data of the wrong type", "POST", CM, JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x10\"},\"data\":[1,2]}", 400, "BadRequest", null));
        // field validation
        c.add(bad("unknown field under fieldValidation=Strict", "POST", CM + "?fieldValidation=Strict", JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x11\"},\"bogus\":1}", 400, "BadRequest",
                "unknown field \"bogus\""));
        c.add(bad("duplicate field under fieldValidation=Strict", "POST", CM + "?fieldValidation=Strict", JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x12\",\"name\":\"x13\"}}", 400, "BadRequest",
                "duplicate field \"name\""));
        c.add(bad("fieldValidation=Bogus", "POST", CM + "?fieldValidation=Bogus", JSON_TYPE, cm("x1", ""), 422, "Invalid", null));
        c.add(bad("dryRun=Bogus", "POST", CM + "?dryRun=Bogus", JSON_TYPE, cm("x2", ""), 422, "Invalid", null));
        // names, labels, annotations
        c.add(bad("missing name", "POST", CM, JSON_TYPE, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}", 422,
                "Invalid", "name or generateName is required"));
        c.add(bad("name of 254 characters", "POST", CM, JSON_TYPE, cm("a".repeat(254), ""), 422, "Invalid", "must be no more than 253 characters"));
        c.add(bad("upper-case name", "POST", CM, JSON_TYPE, cm("Upper", ""), 422, "Invalid", "a lowercase RFC 1123 subdomain"));
        c.add(bad("name with a slash", "POST", CM, JSON_TYPE, cm("a/b", ""), 422, "Invalid", null));
        c.add(bad("invalid label key", "POST", CM, JSON_TYPE, cm("x3", ",\"labels\":{\"bad key\":\"v\"}"), 422, "Invalid", "metadata.labels"));
        c.add(bad("label value of 64 characters", "POST", CM, JSON_TYPE, cm("x4", ",\"labels\":{\"k\":\"" + "v".repeat(64) + "\"}"),
                422, "Invalid", "must be no more than 63 characters"));
        c.add(bad("invalid annotation key", "POST", CM, JSON_TYPE, cm("x5", ",\"annotations\":{\"-bad\":\"v\"}"), 422, "Invalid",
                "metadata.annotations"));
        c.add(bad("namespace in the body differs from the URL", "POST", CM, JSON_TYPE, cm("x6", ",\"namespace\":\"other\""), 400,
                "BadRequest", "does not match the namespace"));
        c.add(bad("name in the body differs from the URL", "PUT", CM + "/existing", JSON_TYPE, cm("other", ""), 400,
                "BadRequest", "does not match the name on the URL"));
        // spec validation
        c.add(bad("pod without containers", "POST", pod, JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x14\"},\"spec\":{\"containers\":[]}}", 422, "Invalid",
                "spec.containers: Required value"));
        c.add(bad("container with an invalid name", "POST", pod, JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x15\"},\"spec\":{\"containers\":[{\"name\":\"Bad_Name\",\"image\":\"nginx\"}]}}",
                422, "Invalid", "spec.containers[0].name"));
        c.add(bad("container without an image", "POST", pod, JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x16\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
                422, "Invalid", "spec.containers[0].image: Required value"));
        c.add(bad("unsupported imagePullPolicy", "POST", pod, JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x17\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"imagePullPolicy\":\"Sometimes\"}]}}",
                422, "Invalid", "Unsupported value: \"Sometimes\""));
        c.add(bad("negative replicas", "POST", deploy, JSON_TYPE,
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":-1,"
                        + "\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}",
                422, "Invalid", "spec.replicas"));
        c.add(bad("service port out of range", "POST", "/api/v1/namespaces/" + NS + "/services", JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":70000}]}}",
                422, "Invalid", "spec.ports[0].port"));
        // concurrency and immutability
        c.add(bad("update with a stale resourceVersion", "PUT", CM + "/existing", JSON_TYPE, cm("existing", ",\"resourceVersion\":\"1\""),
                409, "Conflict", "the object has been modified"));
        c.add(bad("change of an immutable ConfigMap", "PUT", CM + "/frozen", JSON_TYPE,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"frozen\"},\"immutable\":true,\"data\":{\"a\":\"changed\"}}",
                422, "Invalid", "field is immutable when `immutable` is set"));
        c.add(bad("change of a Deployment's selector", "PATCH", deploy + "/keep", "application/merge-patch+json",
                "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"other\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"other\"}}}}}",
                422, "Invalid", "field is immutable"));
        c.add(bad("delete with a wrong uid precondition", "DELETE", CM + "/existing", JSON_TYPE,
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"uid\":\"00000000-0000-0000-0000-000000000000\"}}",
                409, "Conflict", "Precondition failed"));
        // patches
        c.add(bad("patch with an unsupported content type", "PATCH", CM + "/existing", JSON_TYPE, "{}", 415, "UnsupportedMediaType", null));
        c.add(bad("merge patch that is not JSON", "PATCH", CM + "/existing", "application/merge-patch+json", "{nope", 400, "BadRequest", null));
        c.add(bad("JSON patch that is not a list of operations", "PATCH", CM + "/existing", "application/json-patch+json",
                "{\"op\":\"add\"}", 400, "BadRequest", null));
        // reads
        c.add(bad("label selector that does not parse", "GET", CM + "?labelSelector=" + q("a in (b"), null, null, 400, "BadRequest",
                "unable to parse requirement"));
        c.add(bad("label selector of 100,000 characters", "GET", CM + "?labelSelector=" + q("k=" + "v".repeat(100_000)), null, null,
                400, "BadRequest", null));
        c.add(bad("unsupported field selector", "GET", pod + "?fieldSelector=" + q("spec.foo=bar"), null, null, 400, "BadRequest",
                "field label not supported: spec.foo"));
        c.add(bad("unknown resource", "GET", "/api/v1/namespaces/" + NS + "/flurbs", null, null, 404, "NotFound", null));
        c.add(bad("missing object", "GET", CM + "/nope", null, null, 404, "NotFound", "configmaps \"nope\" not found"));
        c.add(bad("create in a missing namespace", "POST", "/api/v1/namespaces/nope-ns/configmaps", JSON_TYPE, cm("x7", ""), 404,
                "NotFound", "namespaces \"nope-ns\" not found"));
        c.add(bad("POST to an object's URL", "POST", CM + "/existing", JSON_TYPE, cm("existing", ""), 405, "MethodNotAllowed", null));
        return c.stream();
    }

    @BeforeAll
    void setUp() throws Exception {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=60s");
        kubectl("create", "namespace", NS).ok();
        kubectl("-n", NS, "create", "configmap", "existing", "--from-literal=a=b").ok();
        Cli.Result frozen = Cli.run(Duration.ofSeconds(30), "sh", "-c", "printf '%s' '"
                + "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"frozen\",\"namespace\":\"" + NS
                + "\"},\"immutable\":true,\"data\":{\"a\":\"b\"}}' | kubectl --kubeconfig " + Cli.KUBECONFIG + " create -f -");
        frozen.ok();
        kubectl("-n", NS, "create", "deployment", "keep", "--image=nginx", "--replicas=0").ok();
        before = stableSnapshot();
    }

    /** A snapshot once the controllers are done with the new objects (two equal snapshots a second apart). */
    private static Map<String, String> stableSnapshot() throws InterruptedException {
        Map<String, String> last = snapshot();
        for (int i = 0; i < 30; i++) {
            Thread.sleep(1000);
            Map<String, String> now = snapshot();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the namespace's objects keep changing: " + last);
    }

    /** Every key of the namespace's objects in the store, with its mod revision. */
    private static Map<String, String> snapshot() {
        Map<String, String> keys = new TreeMap<>();
        String out = Cli.etcdctl("get", "/registry/", "--prefix", "--keys-only", "-w", "json").ok().out();
        try {
            for (JsonNode kv : JSON.readTree(out).path("kvs")) {
                String key = new String(java.util.Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8);
                if (key.contains("/" + NS + "/") && !key.startsWith("/registry/events/")) {
                    keys.put(key, kv.path("mod_revision").asText());
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return keys;
    }

    @AfterAll
    void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithUpstreamStatus(Bad b) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(API + b.path())).timeout(Duration.ofSeconds(30))
                .header("Accept", JSON_TYPE);
        if (b.contentType() != null) {
            req.header("Content-Type", b.contentType());
        }
        req.method(b.method(), b.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(b.body()));
        HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        String body = res.body();
        assertEquals(b.code(), res.statusCode(), body);
        JsonNode status = JSON.readTree(body);
        assertEquals("Status", status.path("kind").asText(), body);
        assertEquals("Failure", status.path("status").asText(), body);
        assertEquals(b.code(), status.path("code").asInt(), body);
        assertEquals(b.reason(), status.path("reason").asText(), body);
        if (b.message() != null) {
            assertTrue(status.path("message").asText().contains(b.message()), body);
        }
        for (String trace : new String[] {"Exception", "\tat ", ".java:"}) {
            assertFalse(body.contains(trace), "stack trace in: " + body);
        }
    }

    /** Runs after every case above: nothing they sent left a trace in the store. */
    @Order(2)
    @Test
    void theStoreIsUnchanged() {
        assertEquals(before, snapshot());
    }
}
