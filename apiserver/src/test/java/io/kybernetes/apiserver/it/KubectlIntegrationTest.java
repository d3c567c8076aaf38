package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The apiserver on a real etcd 3.4, driven by the real kubectl. */
@QuarkusTest
@Timeout(60)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class KubectlIntegrationTest {

    record Result(int exit, String out, String err) {
    }

    @TestHTTPResource("/")
    URL base;

    static Path home;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void scratch() throws IOException {
        home = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-home-");
    }

    /** The system namespaces are created just after start; /readyz says when they exist, as for any client. */
    @org.junit.jupiter.api.BeforeEach
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (http.send(HttpRequest.newBuilder(URI.create(server() + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "apiserver not ready within 30 s");
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void cleanup() throws IOException {
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    ProcessBuilder kubectlProcess(String... args) {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--server", server(), "--request-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        return pb;
    }

    Result kubectl(String... args) throws Exception {
        Process p = kubectlProcess(args).start();
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

    Path file(String name, String content) throws IOException {
        Path f = home.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(10));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String squash(String s) {
        return s.replaceAll("[ \\t]+", " ");
    }

    @Test
    void discovery() throws Exception {
        String out = squash(ok("api-resources"));
        assertTrue(out.contains("deployments deploy apps/v1 true Deployment"), out);
        assertTrue(out.contains("pods po v1 true Pod"), out);
        assertTrue(out.contains("leases coordination.k8s.io/v1 true Lease"), out);
        assertTrue(out.contains("namespaces ns v1 false Namespace"), out);
        JsonNode api = Json.parse(ok("get", "--raw", "/api").getBytes());
        assertEquals("APIVersions", api.path("kind").asText());
        assertEquals("v1.32.0", Json.parse(ok("get", "--raw", "/version").getBytes()).path("gitVersion").asText());
        assertTrue(ok("get", "ns", "-o", "name").contains("namespace/kube-system"));
    }

    @Test
    void configMapCrud() throws Exception {
        assertEquals("configmap/crud created\n", ok("create", "configmap", "crud", "--from-literal=k=v"));
        assertEquals("v", ok("get", "configmap", "crud", "-o", "jsonpath={.data.k}"));
        assertTrue(ok("get", "configmaps").contains("crud"));
        Result dup = kubectl("create", "configmap", "crud");
        assertNotEquals(0, dup.exit());
        assertTrue(dup.err().contains("configmaps \"crud\" already exists"), dup.err());
        ok("delete", "configmap", "crud");
        Result gone = kubectl("get", "configmap", "crud");
        assertTrue(gone.err().contains("NotFound"), gone.err());
    }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %s
            spec:
              replicas: %d
              selector:
                matchLabels: {app: %s}
              template:
                metadata:
                  labels: {app: %s}
                spec:
                  containers:
                  - name: web
                    image: nginx
                    ports:
                    - containerPort: 80
            """;

    @Test
    void deploymentFromYamlApplyAndScale() throws Exception {
        Path f = file("fromfile.yaml", DEPLOYMENT.formatted("fromfile", 2, "fromfile", "fromfile"));
        assertEquals("deployment.apps/fromfile created\n", ok("create", "-f", f.toString()));
        assertEquals("2 1", ok("get", "deploy", "fromfile", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"));
        assertEquals("RollingUpdate 10 600", ok("get", "deploy", "fromfile", "-o",
                "jsonpath={.spec.strategy.type} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds}"));

        Path a = file("applied.yaml", DEPLOYMENT.formatted("applied", 2, "applied", "applied"));
        assertEquals("deployment.apps/applied created\n", ok("apply", "-f", a.toString()));
        file("applied.yaml", DEPLOYMENT.formatted("applied", 3, "applied", "applied"));
        assertEquals("deployment.apps/applied configured\n", ok("apply", "-f", a.toString()));
        assertEquals("3 2", ok("get", "deploy", "applied", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"));
        assertEquals("deployment.apps/applied unchanged\n", ok("apply", "-f", a.toString()));

        assertEquals("deployment.apps/applied scaled\n", ok("scale", "deployment", "applied", "--replicas=5"));
        assertEquals("5", ok("get", "deploy", "applied", "-o", "jsonpath={.spec.replicas}"));
        JsonNode scale = Json.parse(ok("get", "--raw", "/apis/apps/v1/namespaces/default/deployments/applied/scale").getBytes());
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals("app=applied", scale.at("/status/selector").asText());
    }

    @Test
    void protobufCreate() throws Exception {
        assertEquals("deployment.apps/pb created\n", ok("create", "deployment", "pb", "--image=nginx", "--replicas=2"));
        assertEquals("2 nginx", ok("get", "deploy", "pb", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"));
    }

    @Test
    void staleUpdateConflicts() throws Exception {
        ok("create", "configmap", "stale", "--from-literal=a=1");
        Path f = file("stale.json", ok("get", "configmap", "stale", "-o", "json"));
        ok("label", "configmap", "stale", "changed=yes");
        Result r = kubectl("replace", "-f", f.toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("Operation cannot be fulfilled on configmaps \"stale\": the object has been modified; "
                + "please apply your changes to the latest version and try again"), r.err());
    }

    @Test
    void labelSelectors() throws Exception {
        ok("create", "configmap", "sel-a");
        ok("create", "configmap", "sel-b");
        ok("label", "configmap", "sel-a", "tier=a");
        ok("label", "configmap", "sel-b", "tier=b");
        assertEquals("configmap/sel-a\n", ok("get", "cm", "-l", "tier=a", "-o", "name"));
        assertEquals("configmap/sel-a\nconfigmap/sel-b\n", ok("get", "cm", "-l", "tier in (a,b)", "-o", "name"));
        assertEquals("configmap/sel-b\n", ok("get", "cm", "-l", "tier,tier!=a", "-o", "name"));
        assertFalse(ok("get", "cm", "-l", "!tier", "-o", "name").contains("sel-"));
        assertEquals("configmap/sel-b\n", ok("get", "cm", "--field-selector", "metadata.name=sel-b", "-o", "name"));
        Result bad = kubectl("get", "cm", "-l", "tier in a");
        assertNotEquals(0, bad.exit());
    }

    @Test
    void watchSeesChanges() throws Exception {
        Process w = kubectlProcess("get", "configmaps", "-w", "--output-watch-events").start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(w.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(lines.readLine().startsWith("EVENT"));
            Thread.sleep(300);
            ok("create", "configmap", "watched");
            ok("label", "configmap", "watched", "x=y");
            ok("delete", "configmap", "watched");
            List<String> seen = new ArrayList<>();
            while (seen.size() < 3) {
                String line = lines.readLine();
                if (line == null) {
                    break;
                }
                if (line.contains("watched")) {
                    seen.add(line.split("\\s+")[0]);
                }
            }
            assertEquals(List.of("ADDED", "MODIFIED", "DELETED"), seen);
        } finally {
            w.destroy();
            w.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void watchFromResourceVersionAndGone() throws Exception {
        ok("create", "configmap", "rv1");
        String rv = ok("get", "configmap", "rv1", "-o", "jsonpath={.metadata.resourceVersion}");
        ok("label", "configmap", "rv1", "a=b");
        // a watch from rv sees exactly the later change
        HttpRequest req = HttpRequest.newBuilder(URI.create(server()
                + "/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Drv1&resourceVersion=" + rv))
                .build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            JsonNode e = Json.parse(r.readLine().getBytes());
            assertEquals("MODIFIED", e.path("type").asText());
            assertEquals("b", e.at("/object/metadata/labels/a").asText());
        }
        // compact past rv+1: the same watch now ends with a 410 Expired ERROR event, once the watch cache no longer
        // holds the changes after rv either (its shared watch of configmaps ends 1 s after the last client watch in
        // the test profile; while it lives, a resume from rv is served from its window, as upstream's cacher does)
        Thread.sleep(2500);
        ok("label", "configmap", "rv1", "a=c", "--overwrite");
        long current = Long.parseLong(ok("get", "configmap", "rv1", "-o", "jsonpath={.metadata.resourceVersion}"));
        Process c = new ProcessBuilder("etcdctl", "--endpoints=" + EtcdResource.endpoint, "compact", Long.toString(current))
                .redirectErrorStream(true).start();
        assertTrue(c.waitFor(10, TimeUnit.SECONDS));
        HttpResponse<String> old = http.send(HttpRequest.newBuilder(URI.create(server()
                + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + rv))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode e = Json.parse(old.body().lines().findFirst().orElseThrow().getBytes());
        assertEquals("ERROR", e.path("type").asText());
        assertEquals(410, e.at("/object/code").asInt());
        assertEquals("Expired", e.at("/object/reason").asText());
    }

    static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"p"}},
             "spec":{"containers":[{"name":"c","image":"busybox","command":["sleep","3600"]}]}}
            """;

    @Test
    void podTableBindingStatusAndGracefulDelete() throws Exception {
        ok("create", "-f", file("p1.json", POD.formatted("p1")).toString());
        HttpResponse<String> bind = send("POST", "/api/v1/namespaces/default/pods/p1/binding", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p1\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
        assertEquals(201, bind.statusCode(), bind.body());
        HttpResponse<String> again = send("POST", "/api/v1/namespaces/default/bindings", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p1\"},\"target\":{\"kind\":\"Node\",\"name\":\"n2\"}}");
        assertEquals(409, again.statusCode(), again.body());
        ok("patch", "pod", "p1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.9\",\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,"
                        + "\"restartCount\":0,\"image\":\"busybox\",\"imageID\":\"\",\"state\":{\"running\":{}}}]}}");
        // a PUT of the main resource keeps the status
        ok("label", "pod", "p1", "x=y");
        String wide = squash(ok("get", "pods", "-o", "wide"));
        assertTrue(wide.contains("p1 1/1 Running 0"), wide);
        assertTrue(wide.contains("10.244.0.9 n1"), wide);

        ok("delete", "pod", "p1", "--wait=false");
        assertTrue(ok("get", "pods", "p1").contains("Terminating"));
        assertEquals("30", ok("get", "pod", "p1", "-o", "jsonpath={.metadata.deletionGracePeriodSeconds}"));
        String uid = ok("get", "pod", "p1", "-o", "jsonpath={.metadata.uid}");
        HttpResponse<String> wrongUid = send("DELETE", "/api/v1/namespaces/default/pods/p1", "application/json",
                "{\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"nope\"}}");
        assertEquals(409, wrongUid.statusCode());
        HttpResponse<String> del = send("DELETE", "/api/v1/namespaces/default/pods/p1", "application/json",
                "{\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"" + uid + "\"}}");
        assertEquals(200, del.statusCode(), del.body());
        assertTrue(kubectl("get", "pod", "p1").err().contains("NotFound"));

        // an unbound pod goes at once
        ok("create", "-f", file("p2.json", POD.formatted("p2")).toString());
        ok("delete", "pod", "p2", "--wait=false");
        assertTrue(kubectl("get", "pod", "p2").err().contains("NotFound"));
    }

    @Test
    void finalizersHoldDeletion() throws Exception {
        ok("create", "configmap", "fin");
        ok("patch", "configmap", "fin", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":[\"example.com/x\"]}}");
        ok("delete", "configmap", "fin", "--wait=false");
        assertFalse(ok("get", "configmap", "fin", "-o", "jsonpath={.metadata.deletionTimestamp}").isEmpty());
        ok("patch", "configmap", "fin", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
        assertTrue(kubectl("get", "configmap", "fin").err().contains("NotFound"));
    }

    @Test
    void servicesGetClusterIps() throws Exception {
        ok("create", "service", "clusterip", "svc1", "--tcp=80:8080");
        String ip = ok("get", "svc", "svc1", "-o", "jsonpath={.spec.clusterIP}");
        assertTrue(ip.startsWith("10."), ip);
        assertEquals("8080 TCP None", ok("get", "svc", "svc1", "-o",
                "jsonpath={.spec.ports[0].targetPort} {.spec.ports[0].protocol} {.spec.sessionAffinity}"));
        Path f = file("svc2.json", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc2\"},"
                + "\"spec\":{\"clusterIP\":\"" + ip + "\",\"ports\":[{\"port\":80}]}}");
        Result taken = kubectl("create", "-f", f.toString());
        assertTrue(taken.err().contains("provided IP is already allocated"), taken.err());
        ok("delete", "svc", "svc1");
        ok("create", "-f", f.toString());
        assertEquals(ip, ok("get", "svc", "svc2", "-o", "jsonpath={.spec.clusterIP}"));
    }

    @Test
    void errorsAreStatus() throws Exception {
        HttpResponse<String> bad = send("POST", "/api/v1/namespaces/default/configmaps", "application/json", "{not json");
        assertEquals(400, bad.statusCode());
        assertEquals("Status", Json.parse(bad.body().getBytes()).path("kind").asText());
        HttpResponse<String> media = send("POST", "/api/v1/namespaces/default/configmaps", "text/plain", "x");
        assertEquals(415, media.statusCode());
        HttpResponse<String> big = send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "{\"data\":{\"x\":\"" + "a".repeat(4 * 1024 * 1024) + "\"}}");
        assertEquals(413, big.statusCode());
        assertEquals("RequestEntityTooLarge", Json.parse(big.body().getBytes()).path("reason").asText());
        HttpResponse<String> none = send("GET", "/api/v1/namespaces/default/widgets", null, null);
        assertEquals(404, none.statusCode());
        HttpResponse<String> invalid = send("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                "{\"metadata\":{\"name\":\"inv\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
                        + "\"template\":{\"metadata\":{\"labels\":{\"a\":\"c\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}");
        assertEquals(422, invalid.statusCode());
        assertEquals("spec.template.metadata.labels", Json.parse(invalid.body().getBytes()).at("/details/causes/0/field").asText());
    }

    @Test
    void strictFieldValidation() throws Exception {
        Path f = file("strict.yaml", DEPLOYMENT.formatted("strict", 1, "strict", "strict").replace("replicas:", "replica:"));
        Result r = kubectl("create", "-f", f.toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("strict decoding error: unknown field \"spec.replica\""), r.err());
    }

    @Test
    void namespaceTerminationWaitsForFinalize() throws Exception {
        ok("create", "namespace", "gone");
        assertEquals("kubernetes", ok("get", "ns", "gone", "-o", "jsonpath={.spec.finalizers[*]}"));
        ok("-n", "gone", "create", "configmap", "inside");
        HttpResponse<String> del = send("DELETE", "/api/v1/namespaces/gone", "application/json",
                "{\"propagationPolicy\":\"Background\"}");
        assertEquals(200, del.statusCode(), del.body());
        JsonNode ns = Json.parse(del.body().getBytes());
        assertEquals("Terminating", ns.at("/status/phase").asText());
        assertFalse(ns.at("/metadata/deletionTimestamp").asText().isEmpty());
        assertTrue(squash(ok("get", "ns", "gone")).contains("gone Terminating"));
        Result create = kubectl("-n", "gone", "create", "configmap", "late");
        assertTrue(create.err().contains("configmaps \"late\" is forbidden: unable to "
                + "create new content in namespace gone because it is being terminated"), create.err());
        // a second DELETE changes nothing; labels may still change, spec.finalizers only through /finalize
        assertEquals(200, send("DELETE", "/api/v1/namespaces/gone", null, null).statusCode());
        ok("label", "ns", "gone", "x=y");
        ok("patch", "ns", "gone", "--type=merge", "-p", "{\"spec\":{\"finalizers\":[]}}");
        assertEquals("kubernetes", ok("get", "ns", "gone", "-o", "jsonpath={.spec.finalizers[*]}"));

        JsonNode current = Json.parse(ok("get", "ns", "gone", "-o", "json").getBytes());
        ((com.fasterxml.jackson.databind.node.ObjectNode) current.path("spec")).putArray("finalizers");
        HttpResponse<String> fin = send("PUT", "/api/v1/namespaces/gone/finalize", "application/json", current.toString());
        assertEquals(200, fin.statusCode(), fin.body());
        assertTrue(kubectl("get", "ns", "gone").err().contains("NotFound"));
        long deadline = System.currentTimeMillis() + 10_000;
        String left;
        do {
            Thread.sleep(100);
            left = send("GET", "/api/v1/namespaces/gone/configmaps", null, null).body();
        } while (left.contains("inside") && System.currentTimeMillis() < deadline);
        assertFalse(left.contains("inside"), left);
        Result systemNs = kubectl("delete", "namespace", "kube-system", "--wait=false");
        assertTrue(systemNs.err().contains("this namespace may not be deleted"), systemNs.err());
    }

    @Test
    void systemObjectsExistAtStart() throws Exception {
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            assertEquals(ns, ok("get", "ns", ns, "-o", "jsonpath={.metadata.name}"));
        }
        assertEquals("10.96.0.1 443 https TCP", ok("get", "svc", "kubernetes", "-o",
                "jsonpath={.spec.clusterIP} {.spec.ports[0].port} {.spec.ports[0].name} {.spec.ports[0].protocol}"));
        assertEquals("", ok("get", "svc", "kubernetes", "-o", "jsonpath={.spec.selector}"));
        String ip = ok("get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].addresses[0].ip}");
        assertFalse(ip.isEmpty() || ip.startsWith("127."), ip);
        assertEquals("https", ok("get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].ports[0].name}"));
        assertEquals("2000001000 2000000000", ok("get", "priorityclasses", "system-node-critical",
                "system-cluster-critical", "-o", "jsonpath={.items[*].value}"));
    }

    @Test
    void cascadingDeletionPolicies() throws Exception {
        ok("create", "configmap", "orphaned");
        ok("delete", "configmap", "orphaned", "--cascade=orphan", "--wait=false");
        assertEquals("orphan", ok("get", "configmap", "orphaned", "-o", "jsonpath={.metadata.finalizers[*]}"));
        assertFalse(ok("get", "configmap", "orphaned", "-o", "jsonpath={.metadata.deletionTimestamp}").isEmpty());
        // the garbage collector removes the finalizer when it is done: the object goes
        ok("patch", "configmap", "orphaned", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
        assertTrue(kubectl("get", "configmap", "orphaned").err().contains("NotFound"));

        ok("create", "configmap", "fg");
        ok("delete", "configmap", "fg", "--cascade=foreground", "--wait=false");
        assertEquals("foregroundDeletion", ok("get", "configmap", "fg", "-o", "jsonpath={.metadata.finalizers[*]}"));
        // a later orphaning delete swaps the finalizer
        HttpResponse<String> swap = send("DELETE", "/api/v1/namespaces/default/configmaps/fg", "application/json",
                "{\"propagationPolicy\":\"Orphan\"}");
        assertEquals(200, swap.statusCode(), swap.body());
        assertEquals("orphan", ok("get", "configmap", "fg", "-o", "jsonpath={.metadata.finalizers[*]}"));

        ok("create", "configmap", "bg");
        ok("delete", "configmap", "bg", "--cascade=background");
        assertTrue(kubectl("get", "configmap", "bg").err().contains("NotFound"));
    }

    @Test
    void evictionRespectsDisruptionBudgets() throws Exception {
        ok("create", "-f", file("ev1.json", POD.formatted("ev1")).toString());
        ok("create", "-f", file("ev2.json", POD.formatted("ev2")).toString());
        for (String p : List.of("ev1", "ev2")) {
            // healthy (Ready) pods: an eviction of a not-Ready one would not take a disruption while the budget is met
            ok("patch", "pod", p, "--subresource=status", "--type=merge", "-p", "{\"status\":{\"phase\":\"Running\","
                    + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        }
        ok("create", "poddisruptionbudget", "ev-pdb", "--selector=app=p", "--min-available=2");
        String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"%s\"}}";
        HttpResponse<String> denied = send("POST", "/api/v1/namespaces/default/pods/ev1/eviction", "application/json",
                eviction.formatted("ev1"));
        assertEquals(429, denied.statusCode(), denied.body());
        JsonNode status = Json.parse(denied.body().getBytes());
        assertEquals("Cannot evict pod as it would violate the pod's disruption budget.", status.path("message").asText());
        assertEquals("DisruptionBudget", status.at("/details/causes/0/reason").asText());
        // the disruption controller's view: one disruption allowed
        ok("patch", "pdb", "ev-pdb", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"observedGeneration\":1,\"disruptionsAllowed\":1,\"currentHealthy\":2,"
                        + "\"desiredHealthy\":1,\"expectedPods\":2}}");
        HttpResponse<String> allowed = send("POST", "/api/v1/namespaces/default/pods/ev1/eviction", "application/json",
                eviction.formatted("ev1"));
        assertEquals(201, allowed.statusCode(), allowed.body());
        assertEquals("Success", Json.parse(allowed.body().getBytes()).path("status").asText());
        assertTrue(kubectl("get", "pod", "ev1").err().contains("NotFound"));
        assertEquals("0", ok("get", "pdb", "ev-pdb", "-o", "jsonpath={.status.disruptionsAllowed}"));
        assertEquals(429, send("POST", "/api/v1/namespaces/default/pods/ev2/eviction", "application/json",
                eviction.formatted("ev2")).statusCode());
        ok("delete", "pdb", "ev-pdb");
        assertEquals(201, send("POST", "/api/v1/namespaces/default/pods/ev2/eviction", "application/json",
                eviction.formatted("ev2")).statusCode());
    }

    /** Each kind added for issue 6, from a manifest in src/test/resources/kinds: create, get -o wide and yaml, delete. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pv.yaml|pv|it-pv|NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE VOLUMEMODE|it-pv 1Gi RWO Retain Pending",
        "pvc.yaml|pvc|it-pvc|NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE VOLUMEMODE|it-pvc Pending",
        "limitrange.yaml|limits|it-limits|NAME CREATED AT|it-limits",
        "resourcequota.yaml|quota|it-quota|NAME AGE REQUEST LIMIT|pods: 0/10 limits.cpu: 0/2",
        "podtemplate.yaml|podtemplates|it-template|NAME CONTAINERS IMAGES POD LABELS|it-template c busybox app=it",
        "replicationcontroller.yaml|rc|it-rc|NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR|it-rc 2 0 0",
        "statefulset.yaml|sts|it-sts|NAME READY AGE CONTAINERS IMAGES|it-sts 0/1",
        "daemonset.yaml|ds|it-ds|NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE CONTAINERS IMAGES SELECTOR|it-ds 0 0 0 0 0 kubernetes.io/os=linux",
        "controllerrevision.yaml|controllerrevisions|it-rev|NAME CONTROLLER REVISION AGE|it-rev <none> 1",
        "job.yaml|jobs|it-job|NAME STATUS COMPLETIONS DURATION AGE CONTAINERS IMAGES SELECTOR|it-job Running 0/1",
        "cronjob.yaml|cj|it-cron|NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE CONTAINERS IMAGES SELECTOR|it-cron */5 * * * * <none> False 0 <none>",
        "hpa.yaml|hpa|it-hpa|NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE|it-hpa Deployment/web cpu: <unknown>/60% 1 4 0",
        "ingress.yaml|ing|it-ing|NAME CLASS HOSTS ADDRESS PORTS AGE|it-ing it-class example.test 80",
        "ingressclass.yaml|ingressclasses|it-class|NAME CONTROLLER PARAMETERS AGE|it-class example.test/ingress <none>",
        "networkpolicy.yaml|netpol|it-np|NAME POD-SELECTOR AGE|it-np app=web",
        "pdb.yaml|pdb|it-pdb|NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE|it-pdb 1 N/A 0",
        "role.yaml|roles|it-role|NAME CREATED AT|it-role",
        "rolebinding.yaml|rolebindings|it-rb|NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS|it-rb Role/it-role",
        "clusterrole.yaml|clusterroles|it-cr|NAME CREATED AT|it-cr",
        "clusterrolebinding.yaml|clusterrolebindings|it-crb|NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS|it-crb ClusterRole/it-cr",
        "storageclass.yaml|sc|it-sc|NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE|it-sc (default) example.test/hostpath Delete Immediate false",
        "csidriver.yaml|csidrivers|it.csi.example.test|NAME ATTACHREQUIRED PODINFOONMOUNT STORAGECAPACITY TOKENREQUESTS REQUIRESREPUBLISH MODES AGE|it.csi.example.test False False False <unset> False Persistent",
        "volumeattachment.yaml|volumeattachments|it-va|NAME ATTACHER PV NODE ATTACHED AGE|it-va it.csi.example.test it-pv node1 false",
        "endpointslice.yaml|endpointslices|it-slice|NAME ADDRESSTYPE PORTS ENDPOINTS AGE|it-slice IPv4 80 10.244.0.5",
        "event.yaml|events.events.k8s.io|it-event|LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME|Normal Tested pod/it-pod example.test/it, it-1 an events.k8s.io event",
        "priorityclass.yaml|pc|it-high|NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY|it-high 100000 false",
        "csr.yaml|csr|it-csr|NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION|kubernetes.io/kube-apiserver-client system:anonymous <none> Pending",
        "crd.yaml|crd|widgets.example.test|NAME CREATED AT|widgets.example.test"})
    void everyKindFromAManifest(String manifest, String resource, String name, String header, String cells)
            throws Exception {
        Path f = home.resolve(manifest);
        try (InputStream in = getClass().getResourceAsStream("/kinds/" + manifest)) {
            Files.write(f, in.readAllBytes());
        }
        ok("create", "-f", f.toString());
        String wide = squash(ok("get", resource, name, "-o", "wide"));
        assertTrue(wide.startsWith(header + "\n"), wide);
        assertTrue(wide.contains(cells), wide);
        String yaml = ok("get", resource, name, "-o", "yaml");
        assertTrue(yaml.contains("  name: " + name + "\n"), yaml);
        assertTrue(yaml.contains("resourceVersion: "), yaml);
        ok("delete", "-f", f.toString());
        assertTrue(kubectl("get", resource, name).err().contains("NotFound"));
    }

    @Test
    void chunkedListsPage() throws Exception {
        ok("create", "namespace", "paging");
        for (int i = 1; i <= 5; i++) {
            ok("-n", "paging", "create", "-f", file("page" + i + ".json", POD.formatted("page" + i)).toString());
        }
        Result r = kubectl("-n", "paging", "get", "pods", "--chunk-size=2", "-v=6");
        assertEquals(0, r.exit(), r.err());
        for (int i = 1; i <= 5; i++) {
            assertTrue(r.out().contains("page" + i + " "), r.out());
        }
        assertEquals(3, r.err().lines().filter(l -> l.contains("/namespaces/paging/pods?") && l.contains("limit=2")).count(), r.err());
        assertEquals(2, r.err().lines().filter(l -> l.contains("continue=")).count(), r.err());

        JsonNode first = Json.parse(send("GET", "/api/v1/namespaces/paging/pods?limit=2", null, null).body().getBytes());
        assertEquals(2, first.path("items").size());
        assertEquals(3, first.at("/metadata/remainingItemCount").asInt());
        String token = first.at("/metadata/continue").asText();
        JsonNode second = Json.parse(send("GET", "/api/v1/namespaces/paging/pods?limit=2&continue=" + token, null, null)
                .body().getBytes());
        assertEquals("page3", second.at("/items/0/metadata/name").asText());
        assertEquals(first.at("/metadata/resourceVersion"), second.at("/metadata/resourceVersion"));
        JsonNode last = Json.parse(send("GET", "/api/v1/namespaces/paging/pods?limit=4&continue="
                + second.at("/metadata/continue").asText(), null, null).body().getBytes());
        assertEquals(1, last.path("items").size());
        assertFalse(last.path("metadata").has("continue"), last.toString());
        assertFalse(last.path("metadata").has("remainingItemCount"), last.toString());
        // filtered pages carry no remainingItemCount
        JsonNode labelled = Json.parse(send("GET", "/api/v1/namespaces/paging/pods?limit=2&labelSelector=app%3Dp", null,
                null).body().getBytes());
        assertEquals(2, labelled.path("items").size());
        assertFalse(labelled.at("/metadata/continue").asText().isEmpty());
        assertFalse(labelled.path("metadata").has("remainingItemCount"));

        // a token whose revision was compacted: 410 Expired, with a token to go on at the newest revision
        ok("-n", "paging", "label", "pod", "page5", "x=y");
        String rv = ok("-n", "paging", "get", "pod", "page5", "-o", "jsonpath={.metadata.resourceVersion}");
        Process c = new ProcessBuilder("etcdctl", "--endpoints=" + EtcdResource.endpoint, "compact", rv)
                .redirectErrorStream(true).start();
        assertTrue(c.waitFor(10, TimeUnit.SECONDS));
        HttpResponse<String> expired = send("GET", "/api/v1/namespaces/paging/pods?limit=2&continue=" + token, null, null);
        assertEquals(410, expired.statusCode(), expired.body());
        JsonNode status = Json.parse(expired.body().getBytes());
        assertEquals("Expired", status.path("reason").asText());
        assertTrue(status.path("message").asText().startsWith("The provided continue parameter is too old"), expired.body());
        HttpResponse<String> onward = send("GET", "/api/v1/namespaces/paging/pods?limit=5&continue="
                + status.at("/metadata/continue").asText(), null, null);
        assertEquals(200, onward.statusCode(), onward.body());
        assertEquals(3, Json.parse(onward.body().getBytes()).path("items").size());
        HttpResponse<String> exact = send("GET", "/api/v1/namespaces/paging/pods?resourceVersion="
                + first.at("/metadata/resourceVersion").asText() + "&resourceVersionMatch=Exact", null, null);
        assertEquals(410, exact.statusCode(), exact.body());
        HttpResponse<String> future = send("GET", "/api/v1/namespaces/paging/pods?resourceVersion=99999999", null, null);
        assertEquals(504, future.statusCode(), future.body());
    }

    Path resource(String name) throws IOException {
        Path f = home.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/kinds/" + name)) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    @Test
    void customResourcesAreServed() throws Exception {
        Path crd = resource("gadget-crd.yaml");
        ok("create", "-f", crd.toString());
        long deadline = System.currentTimeMillis() + 10_000;
        String established;
        do {
            established = ok("get", "crd", "gadgets.example.test", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Established\")].status}");
        } while (!established.equals("True") && System.currentTimeMillis() < deadline && sleep(100));
        assertEquals("True", established);
        assertEquals("v1", ok("get", "crd", "gadgets.example.test", "-o", "jsonpath={.status.storedVersions[*]}"));
        assertTrue(squash(ok("api-resources", "--api-group=example.test")).contains("gadgets gd example.test/v1 true Gadget"));

        // unknown fields pruned, defaults filled, printer columns in the table
        Path g1 = file("g1.yaml", new String(getClass().getResourceAsStream("/kinds/gadget.yaml").readAllBytes())
                .replace("size: 3", "size: 3\n  extra: dropped"));
        ok("create", "-f", g1.toString(), "--validate=false");
        assertEquals("blue", ok("get", "gadget", "g1", "-o", "jsonpath={.spec.color}"));
        assertFalse(ok("get", "gadget", "g1", "-o", "yaml").contains("extra"));
        String table = squash(ok("get", "gd"));
        assertTrue(table.startsWith("NAME SIZE COLOR READY AGE\ng1 3 blue <none> "), table);

        // schema validation
        HttpResponse<String> bad = send("POST", "/apis/example.test/v1/namespaces/default/gadgets", "application/json",
                "{\"apiVersion\":\"example.test/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"bad\"},"
                        + "\"spec\":{\"size\":\"big\",\"color\":\"green\"}}");
        assertEquals(422, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("spec.size in body must be of type integer: \\\"string\\\""), bad.body());
        assertTrue(bad.body().contains("Unsupported value: \\\"green\\\""), bad.body());
        HttpResponse<String> missing = send("POST", "/apis/example.test/v1/namespaces/default/gadgets",
                "application/json", "{\"metadata\":{\"name\":\"bad\"},\"spec\":{}}");
        assertEquals(422, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("spec.size: Required value"), missing.body());

        // status subresource
        ok("patch", "gadget", "g1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        ok("label", "gadget", "g1", "x=y");
        assertTrue(squash(ok("get", "gd", "g1")).contains("g1 3 blue True"));

        // scale subresource at the declared paths
        ok("patch", "gadget", "g1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"replicas\":2,\"selector\":\"app=g\"}}");
        ok("scale", "gadget", "g1", "--replicas=4");
        assertEquals("4", ok("get", "gadget", "g1", "-o", "jsonpath={.spec.replicas}"));
        JsonNode scale = Json.parse(send("GET", "/apis/example.test/v1/namespaces/default/gadgets/g1/scale", null, null)
                .body().getBytes());
        assertEquals(4, scale.at("/spec/replicas").asInt());
        assertEquals(2, scale.at("/status/replicas").asInt());
        assertEquals("app=g", scale.at("/status/selector").asText());

        // OpenAPI follows: kubectl explain and validated create
        assertTrue(ok("explain", "gadget.spec").contains("how big the gadget is"));
        ok("create", "-f", resource("gadget.yaml").toString().replace("g1", "g1"), "--dry-run=server");

        // deleting the definition stops serving it and deletes its objects
        ok("delete", "-f", crd.toString());
        deadline = System.currentTimeMillis() + 10_000;
        int code;
        do {
            code = send("GET", "/apis/example.test/v1/namespaces/default/gadgets", null, null).statusCode();
        } while (code != 404 && System.currentTimeMillis() < deadline && sleep(100));
        assertEquals(404, code);
        Process get = new ProcessBuilder("etcdctl", "--endpoints=" + EtcdResource.endpoint, "get", "--prefix",
                "--keys-only", "/registry/example.test/gadgets/").redirectErrorStream(true).start();
        String keys = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(get.waitFor(10, TimeUnit.SECONDS));
        deadline = System.currentTimeMillis() + 5_000;
        while (!keys.isBlank() && System.currentTimeMillis() < deadline && sleep(100)) {
            get = new ProcessBuilder("etcdctl", "--endpoints=" + EtcdResource.endpoint, "get", "--prefix",
                    "--keys-only", "/registry/example.test/gadgets/").redirectErrorStream(true).start();
            keys = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            get.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(keys.isBlank(), keys);
    }

    @Test
    void yamlResponsesAndWatchBookmarks() throws Exception {
        ok("create", "-f", resource("statefulset.yaml").toString());
        HttpResponse<String> yaml = http.send(HttpRequest.newBuilder(URI.create(server()
                + "/apis/apps/v1/namespaces/default/statefulsets/it-sts")).header("Accept", "application/yaml").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, yaml.statusCode());
        assertEquals("application/yaml", yaml.headers().firstValue("Content-Type").orElse(""));
        JsonNode parsed = Json.parseYaml(yaml.body().getBytes());
        assertEquals("OrderedReady", parsed.at("/spec/podManagementPolicy").asText());
        // sendInitialEvents: the current objects, then a BOOKMARK marking their end
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(server()
                + "/apis/apps/v1/namespaces/default/statefulsets?watch=true&allowWatchBookmarks=true"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=5")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
            JsonNode added = Json.parse(r.readLine().getBytes());
            assertEquals("ADDED", added.path("type").asText());
            JsonNode bookmark = Json.parse(r.readLine().getBytes());
            assertEquals("BOOKMARK", bookmark.path("type").asText());
            assertEquals("true", bookmark.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText());
            assertFalse(bookmark.at("/object/metadata/resourceVersion").asText().isEmpty());
        }
        ok("delete", "sts", "it-sts");
    }

    @Test
    void hpaServedInV1FromV2StorageAndExplained() throws Exception {
        ok("create", "-f", resource("hpa.yaml").toString());
        JsonNode v1 = Json.parse(send("GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/it-hpa",
                null, null).body().getBytes());
        assertEquals("autoscaling/v1", v1.path("apiVersion").asText());
        assertEquals(60, v1.at("/spec/targetCPUUtilizationPercentage").asInt());
        assertTrue(v1.at("/spec/metrics").isMissingNode());
        v1.withObject("/spec").put("targetCPUUtilizationPercentage", 70);
        HttpResponse<String> put = send("PUT", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/it-hpa",
                "application/json", v1.toString());
        assertEquals(200, put.statusCode(), put.body());
        assertEquals("70", ok("get", "hpa.v2.autoscaling", "it-hpa", "-o",
                "jsonpath={.spec.metrics[0].resource.target.averageUtilization}"));
        assertTrue(ok("explain", "statefulsets.spec.podManagementPolicy").contains("podManagementPolicy"));
        assertTrue(ok("explain", "cronjob.spec.schedule").contains("schedule"));
        ok("delete", "hpa", "it-hpa");
    }

    static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
