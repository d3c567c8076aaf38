package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.authentication.TestPki;
import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The audit log of an apiserver on a real etcd with static tokens and RBAC, driven by the real kubectl: a policy
 * with None for one user, Metadata for secrets and RequestResponse for configmaps; the events are read back from
 * the log file.
 */
@QuarkusTest
@TestProfile(AuditIntegrationTest.Audited.class)
@Timeout(120)
class AuditIntegrationTest {

    public static class Audited implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EtcdResource.class), new TestResourceEntry(AuditFiles.class));
        }
    }

    /** The policy, the token file and the log's directory, in a scratch directory. */
    public static class AuditFiles implements QuarkusTestResourceLifecycleManager {
        static Path dir;

        @Override
        public Map<String, String> start() {
            try {
                dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-audit-");
                // kubectl sends tokens over HTTPS only
                TestPki.Issued ca = TestPki.ca("audit-it-ca");
                TestPki.write(dir.resolve("ca.crt"), ca.cert());
                TestPki.Issued serving = TestPki.issue(ca, "CN=kube-apiserver", "127.0.0.1", 1);
                TestPki.write(dir.resolve("server.crt"), serving.cert());
                TestPki.write(dir.resolve("server.key"), serving.keys().getPrivate());
                Files.writeString(dir.resolve("tokens.csv"), """
                        admin-token,admin,admin-uid,"system:masters"
                        quiet-token,quiet,quiet-uid,"system:masters"
                        nobody-token,nobody,nobody-uid,""
                        """);
                Files.writeString(dir.resolve("policy.yaml"), """
                        apiVersion: audit.k8s.io/v1
                        kind: Policy
                        rules:
                        - level: None
                          users: [quiet]
                        - level: Metadata
                          resources: [{group: "", resources: [secrets]}]
                        - level: RequestResponse
                          resources: [{group: "", resources: [configmaps]}]
                        """);
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("kybernetes.tls-cert-file", dir.resolve("server.crt").toString(),
                    "kybernetes.tls-private-key-file", dir.resolve("server.key").toString(),
                    "kybernetes.token-auth-file", dir.resolve("tokens.csv").toString(),
                    "kybernetes.authorization-mode", "RBAC",
                    "kybernetes.audit-policy-file", dir.resolve("policy.yaml").toString(),
                    "kybernetes.audit-log-path", dir.resolve("log/audit.log").toString());
        }

        @Override
        public void stop() {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // best effort
            }
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    String kubectl(String token, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--server", "https://127.0.0.1:" + base.getPort(), "--certificate-authority",
                AuditFiles.dir.resolve("ca.crt").toString(), "--token", token, "--request-timeout=10s"));
        a.addAll(List.of(args));
        return Kubectl.run(AuditFiles.dir, 30, true, a).line();
    }

    static List<JsonNode> events() throws IOException {
        Path log = AuditFiles.dir.resolve("log/audit.log");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                out.add(Json.parse(line.getBytes()));
            }
        }
        return out;
    }

    /** The events matching {@code p}, waiting (the log is written by a background thread) until {@code n} are there. */
    static List<JsonNode> await(int n, Predicate<JsonNode> p) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            List<JsonNode> found = events().stream().filter(p).toList();
            if (found.size() >= n || System.currentTimeMillis() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    static Predicate<JsonNode> ref(String resource, String name) {
        return e -> e.path("objectRef").path("resource").asText().equals(resource)
                && e.path("objectRef").path("name").asText().equals(name);
    }

    @Test
    void secretsAtMetadataLevel() throws Exception {
        assertEquals("0 secret/s1 created", kubectl("admin-token", "create", "secret", "generic", "s1",
                "--from-literal=password=hunter2"));
        String id = await(1, ref("secrets", "s1").and(e -> e.path("verb").asText().equals("create"))).get(0)
                .path("auditID").asText();
        // RequestReceived has no name yet: a create names its object in the body
        List<JsonNode> ev = await(2, e -> e.path("auditID").asText().equals(id));
        assertEquals(List.of("RequestReceived", "ResponseComplete"),
                ev.stream().map(e -> e.path("stage").asText()).toList(), ev.toString());
        JsonNode done = ev.get(1);
        assertEquals("Metadata", done.path("level").asText());
        assertEquals("audit.k8s.io/v1", done.path("apiVersion").asText());
        assertEquals("Event", done.path("kind").asText());
        assertEquals(ev.get(0).path("auditID"), done.path("auditID"));
        assertEquals("admin", done.path("user").path("username").asText());
        assertEquals("[\"system:masters\",\"system:authenticated\"]", done.path("user").path("groups").toString());
        assertEquals(Json.parse("{\"resource\":\"secrets\",\"namespace\":\"default\",\"name\":\"s1\",\"apiVersion\":\"v1\"}"
                .getBytes()), done.path("objectRef"));
        assertEquals(201, done.path("responseStatus").path("code").asInt());
        assertEquals("allow", done.path("annotations").path("authorization.k8s.io/decision").asText());
        assertEquals("member of system:masters", done.path("annotations").path("authorization.k8s.io/reason").asText());
        assertEquals("[\"127.0.0.1\"]", done.path("sourceIPs").toString());
        assertTrue(done.path("userAgent").asText().startsWith("kubectl/"), done.toString());
        assertTrue(done.path("requestURI").asText().startsWith("/api/v1/namespaces/default/secrets"));
        assertTrue(done.path("requestReceivedTimestamp").asText()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));
        // Metadata: no bodies, so the secret's data is nowhere in the log
        assertFalse(done.has("requestObject"));
        assertFalse(done.has("responseObject"));
        assertFalse(Files.readString(AuditFiles.dir.resolve("log/audit.log")).contains("aHVudGVyMg"));
    }

    @Test
    void configMapsAtRequestResponseLevelAndAQuietUser() throws Exception {
        assertEquals("0 configmap/c1 created", kubectl("admin-token", "create", "configmap", "c1",
                "--from-literal=k=v"));
        assertEquals("0 configmap/c2 created", kubectl("quiet-token", "create", "configmap", "c2",
                "--from-literal=k=v"));
        List<JsonNode> ev = await(1, ref("configmaps", "c1").and(e -> e.path("verb").asText().equals("create")));
        JsonNode done = ev.stream().filter(e -> e.path("stage").asText().equals("ResponseComplete")).findFirst()
                .orElseThrow();
        assertEquals("RequestResponse", done.path("level").asText());
        assertEquals("v", done.path("requestObject").path("data").path("k").asText(), done.toString());
        assertEquals("ConfigMap", done.path("responseObject").path("kind").asText());
        assertFalse(done.path("responseObject").path("metadata").path("uid").asText().isEmpty());
        // a patch records the patch as sent
        assertTrue(kubectl("admin-token", "patch", "configmap", "c1", "--type=merge", "-p", "{\"data\":{\"k\":\"w\"}}")
                .startsWith("0 "));
        JsonNode patched = await(2, ref("configmaps", "c1").and(e -> e.path("verb").asText().equals("patch")))
                .stream().filter(e -> e.path("stage").asText().equals("ResponseComplete")).findFirst().orElseThrow();
        assertEquals("{\"data\":{\"k\":\"w\"}}", patched.path("requestObject").toString());
        assertEquals("w", patched.path("responseObject").path("data").path("k").asText());
        // a get by another client, then a refusal: the nobody user may not read configmaps
        assertTrue(kubectl("admin-token", "get", "configmap", "c2").startsWith("0 "));
        assertTrue(kubectl("nobody-token", "get", "configmap", "c1").startsWith("1 Error from server (Forbidden)"));
        List<JsonNode> denied = await(2, ref("configmaps", "c1").and(e -> e.path("user").path("username").asText()
                .equals("nobody")));
        assertEquals(List.of("RequestReceived", "ResponseComplete"),
                denied.stream().map(e -> e.path("stage").asText()).toList());
        JsonNode d = denied.get(1);
        assertEquals("forbid", d.path("annotations").path("authorization.k8s.io/decision").asText());
        assertEquals("", d.path("annotations").path("authorization.k8s.io/reason").asText());
        assertEquals(403, d.path("responseStatus").path("code").asInt());
        assertEquals("Forbidden", d.path("responseStatus").path("reason").asText());
        assertTrue(d.path("responseStatus").path("message").asText()
                .startsWith("configmaps \"c1\" is forbidden: User \"nobody\" cannot get resource"), d.toString());
        // impersonation: the event's user is the requester, impersonatedUser the one it acted as
        assertTrue(kubectl("admin-token", "get", "configmap", "c1", "--as", "jane", "--as-group", "dev")
                .startsWith("1 Error from server (Forbidden)"));
        JsonNode imp = await(2, ref("configmaps", "c1").and(e -> e.has("impersonatedUser"))).get(1);
        assertEquals("admin", imp.path("user").path("username").asText());
        assertEquals("{\"username\":\"jane\",\"groups\":[\"dev\",\"system:authenticated\"]}",
                imp.path("impersonatedUser").toString());
        // the quiet user is never recorded
        await(1, ref("configmaps", "c2").and(e -> e.path("verb").asText().equals("get")));
        assertTrue(events().stream().noneMatch(e -> e.path("user").path("username").asText().equals("quiet")));
    }

    /** An HTTPS client trusting the test CA. */
    static HttpClient https() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(AuditFiles.dir.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory
                .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    @Test
    void auditIdHeaderAndWatchStages() throws Exception {
        HttpClient http = https();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + base.getPort()
                + "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1"))
                .header("Authorization", "Bearer admin-token").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String id = r.headers().firstValue("Audit-Id").orElseThrow();
        List<JsonNode> ev = await(3, e -> e.path("auditID").asText().equals(id));
        assertEquals(List.of("RequestReceived", "ResponseStarted", "ResponseComplete"),
                ev.stream().map(e -> e.path("stage").asText()).toList());
        assertEquals("watch", ev.get(2).path("verb").asText());
        // a client's own Audit-ID is kept
        HttpResponse<String> mine = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + base.getPort() + "/api/v1/namespaces/default/secrets")).header("Audit-ID", "my-audit-id")
                .header("Authorization", "Bearer admin-token").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("my-audit-id", mine.headers().firstValue("Audit-Id").orElseThrow());
        assertEquals(2, await(2, e -> e.path("auditID").asText().equals("my-audit-id")).size());
    }
}
