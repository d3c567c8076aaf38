package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The apiserver with TLS, client certificates, static and service account tokens and --authorization-mode=Node,RBAC,
 * driven by the real kubectl with kubeconfigs for each kind of user.
 */
@QuarkusTest
@TestProfile(SecureApiserverIntegrationTest.Secure.class)
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureApiserverIntegrationTest {

    /** A profile of its own, so this test gets an apiserver of its own with the secure settings. */
    public static class Secure implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecurePkiResource.class));
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    static Path home;

    @BeforeAll
    static void scratch() throws IOException {
        home = Kubectl.scratch("apiserver-it-secure-");
    }

    @AfterAll
    static void cleanup() throws IOException {
        Kubectl.delete(home);
    }

    String server() {
        return "https://127.0.0.1:" + base.getPort();
    }

    Path kubeconfig(String name, String userYaml) throws IOException {
        return Kubectl.kubeconfig(home, name, server(), SecurePkiResource.dir.resolve("ca.crt"), userYaml);
    }

    Path certUser(String name) throws IOException {
        Path d = SecurePkiResource.dir;
        return kubeconfig(name, "{client-certificate: \"%s\", client-key: \"%s\"}".formatted(d.resolve(name + ".crt"),
                d.resolve(name + ".key")));
    }

    Path tokenUser(String name, String token) throws IOException {
        return kubeconfig(name, "{token: \"%s\"}".formatted(token));
    }

    Kubectl.Result kubectl(Path config, String... args) throws Exception {
        return Kubectl.withConfig(home, config, args);
    }

    String ok(Path config, String... args) throws Exception {
        Kubectl.Result r = kubectl(config, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.all());
        return r.out();
    }

    /** The admin creates what the tests use; the system objects and bootstrap policy are created just after start. */
    @BeforeEach
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kubectl(certUser("admin"), "get", "clusterrolebinding", "system:basic-user").exit() != 0
                || kubectl(certUser("admin"), "get", "ns", "default").exit() != 0) {
            assertTrue(System.nanoTime() < deadline, "apiserver not ready within 30 s");
            Thread.sleep(300);
        }
    }

    /** An HTTPS client trusting the test CA and presenting no certificate (kubectl would prompt for a password). */
    static HttpClient anonymousClient() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", io.kybernetes.apiserver.authentication.Pem.certificates(
                SecurePkiResource.dir.resolve("ca.crt")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    HttpResponse<String> anonymous(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return anonymousClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void anonymousRequestsAreForbiddenExceptPublicInfo() throws Exception {
        HttpResponse<String> r = anonymous("GET", "/api/v1/namespaces/default/pods", null);
        assertEquals(403, r.statusCode());
        JsonNode status = Json.parse(r.body().getBytes());
        assertEquals("Forbidden", status.path("reason").asText());
        assertEquals(403, status.path("code").asInt());
        assertEquals("pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" "
                + "in the namespace \"default\"", status.path("message").asText());
        assertEquals(200, anonymous("GET", "/healthz", null).statusCode(), "system:public-info-viewer");
        assertEquals(200, anonymous("GET", "/version", null).statusCode(), "system:public-info-viewer");
        assertEquals(403, anonymous("GET", "/apis", null).statusCode(), "discovery is for authenticated users");
        assertEquals(403, anonymous("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}").statusCode(),
                "anonymous is not a system:basic-user");
    }

    @Test
    @Order(2)
    void badCredentialsAreUnauthorized() throws Exception {
        Kubectl.Result token = kubectl(tokenUser("nobody", "not-a-token"), "get", "pods");
        assertEquals(1, token.exit());
        assertTrue(token.err().contains("Unauthorized"), token.all());
        Kubectl.Result evil = kubectl(certUser("evil"), "get", "pods");
        assertEquals(1, evil.exit(), "a certificate of another CA is refused");
        assertTrue(!evil.out().contains("No resources") && !evil.err().contains("No resources"), evil.all());
    }

    @Test
    @Order(3)
    void adminCertificateCanDoEverything() throws Exception {
        Path admin = certUser("admin");
        String who = ok(admin, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
        assertEquals("it-admin [\"system:masters\",\"system:authenticated\"]", who);
        assertEquals("yes\n", ok(admin, "auth", "can-i", "*", "*", "--all-namespaces"));
        ok(admin, "create", "namespace", "rbac-it");
        ok(admin, "-n", "rbac-it", "create", "serviceaccount", "bot");
        ok(admin, "-n", "rbac-it", "create", "role", "bot-role", "--verb=get,list,watch", "--resource=pods,pods/log");
        ok(admin, "-n", "rbac-it", "create", "role", "bot-cm", "--verb=create,get,list", "--resource=configmaps");
        ok(admin, "-n", "rbac-it", "create", "role", "bot-deploy", "--verb=get", "--resource=deployments.apps");
        ok(admin, "-n", "rbac-it", "create", "role", "bot-secret", "--verb=get", "--resource=secrets",
                "--resource-name=allowed");
        for (String role : List.of("bot-role", "bot-cm", "bot-deploy", "bot-secret")) {
            ok(admin, "-n", "rbac-it", "create", "rolebinding", role, "--role=" + role,
                    "--serviceaccount=rbac-it:bot");
        }
        ok(admin, "-n", "rbac-it", "create", "secret", "generic", "allowed", "--from-literal=k=v");
        ok(admin, "-n", "rbac-it", "create", "secret", "generic", "other", "--from-literal=k=v");
        assertTrue(ok(admin, "get", "clusterroles").contains("system:discovery"));
        assertTrue(ok(admin, "get", "--raw", "/metrics").contains("# TYPE"));
    }

    String botToken() throws Exception {
        return ok(certUser("admin"), "-n", "rbac-it", "create", "token", "bot").trim();
    }

    @Test
    @Order(4)
    void serviceAccountTokenCanDoExactlyWhatItsRolesAllow() throws Exception {
        Path bot = tokenUser("bot", botToken());
        assertEquals("system:serviceaccount:rbac-it:bot",
                ok(bot, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"));
        String[][] matrix = {
            // verb, resource, namespace, expected
            {"get", "pods", "rbac-it", "yes"}, {"list", "pods", "rbac-it", "yes"}, {"watch", "pods", "rbac-it", "yes"},
            {"get", "pods/log", "rbac-it", "yes"}, {"create", "configmaps", "rbac-it", "yes"},
            {"get", "configmaps", "rbac-it", "yes"}, {"list", "configmaps", "rbac-it", "yes"},
            {"get", "deployments.apps", "rbac-it", "yes"}, {"get", "secret/allowed", "rbac-it", "yes"},
            {"get", "pods", "kube-system", "no"},
            {"create", "pods", "rbac-it", "no"}, {"delete", "pods", "rbac-it", "no"}, {"update", "pods", "rbac-it", "no"},
            {"create", "pods/exec", "rbac-it", "no"}, {"delete", "configmaps", "rbac-it", "no"},
            {"list", "deployments.apps", "rbac-it", "no"}, {"create", "deployments.apps", "rbac-it", "no"},
            {"get", "secrets", "rbac-it", "no"}, {"get", "secret/other", "rbac-it", "no"},
            {"list", "pods", "default", "no"}, {"get", "nodes", "", "no"}, {"list", "clusterroles", "", "no"},
            {"create", "roles.rbac.authorization.k8s.io", "rbac-it", "no"},
        };
        for (String[] c : matrix) {
            List<String> args = new ArrayList<>(List.of("auth", "can-i", c[0], c[1]));
            if (!c[2].isEmpty()) {
                args.addAll(List.of("-n", c[2]));
            }
            Kubectl.Result r = kubectl(bot, args.toArray(String[]::new));
            assertEquals(c[3], r.out().trim(), () -> String.join(" ", args) + ": " + r.all());
            assertEquals(c[3].equals("yes") ? 0 : 1, r.exit(), String.join(" ", args));
        }
        assertEquals("yes", kubectl(bot, "auth", "can-i", "get", "/healthz").out().trim());
        assertEquals("no", kubectl(bot, "auth", "can-i", "get", "/metrics").out().trim());
        assertEquals(23, matrix.length);

        // and real requests agree
        assertTrue(kubectl(bot, "-n", "rbac-it", "get", "pods").all().contains("No resources found"));
        ok(bot, "-n", "rbac-it", "create", "configmap", "made-by-bot", "--from-literal=a=b");
        assertEquals("b", ok(bot, "-n", "rbac-it", "get", "configmap", "made-by-bot", "-o", "jsonpath={.data.a}"));
        Kubectl.Result del = kubectl(bot, "-n", "rbac-it", "delete", "configmap", "made-by-bot");
        assertEquals(1, del.exit());
        assertTrue(del.err().contains("configmaps \"made-by-bot\" is forbidden: User \"system:serviceaccount:rbac-it:bot\" "
                + "cannot delete resource \"configmaps\" in API group \"\" in the namespace \"rbac-it\""), del.all());
        assertEquals("v", new String(java.util.Base64.getDecoder().decode(
                ok(bot, "-n", "rbac-it", "get", "secret", "allowed", "-o", "jsonpath={.data.k}"))));
        Kubectl.Result other = kubectl(bot, "-n", "rbac-it", "get", "secret", "other");
        assertTrue(other.err().contains("secrets \"other\" is forbidden"), other.all());
        Kubectl.Result svc = kubectl(bot, "-n", "rbac-it", "get", "services");
        assertTrue(svc.err().contains("services is forbidden: User \"system:serviceaccount:rbac-it:bot\" cannot list "
                + "resource \"services\" in API group \"\" in the namespace \"rbac-it\""), svc.all());
        Kubectl.Result nodes = kubectl(bot, "get", "nodes");
        assertTrue(nodes.err().contains("nodes is forbidden: User \"system:serviceaccount:rbac-it:bot\" cannot list "
                + "resource \"nodes\" in API group \"\" at the cluster scope"), nodes.all());
        String list = ok(bot, "-n", "rbac-it", "auth", "can-i", "--list");
        assertTrue(list.contains("configmaps") && list.contains("pods/log") && !list.contains("services"), list);
    }

    @Test
    @Order(5)
    void certificateAndStaticTokenUsersGetTheirGroupsBindings() throws Exception {
        Path jane = certUser("jane");
        assertEquals("jane [\"dev\",\"qa\",\"system:authenticated\"]",
                ok(jane, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"));
        Path alice = tokenUser("alice", "alice-token");
        assertEquals("alice alice-uid", ok(alice, "auth", "whoami", "-o",
                "jsonpath={.status.userInfo.username} {.status.userInfo.uid}"));
        assertEquals("no", kubectl(jane, "-n", "rbac-it", "auth", "can-i", "list", "services").out().trim());
        assertEquals("no", kubectl(alice, "-n", "rbac-it", "auth", "can-i", "list", "services").out().trim());
        // the aggregated view role, bound to the group dev, answers for both members at once
        ok(certUser("admin"), "-n", "rbac-it", "create", "rolebinding", "dev-view", "--clusterrole=view", "--group=dev");
        assertEquals("yes", kubectl(jane, "-n", "rbac-it", "auth", "can-i", "list", "services").out().trim());
        assertEquals("yes", kubectl(alice, "-n", "rbac-it", "auth", "can-i", "list", "services").out().trim());
        assertEquals("no", kubectl(alice, "-n", "rbac-it", "auth", "can-i", "list", "secrets").out().trim());
        assertEquals("no", kubectl(alice, "-n", "default", "auth", "can-i", "list", "services").out().trim());
        assertTrue(kubectl(jane, "-n", "rbac-it", "get", "services").all().contains("No resources found"));
    }

    @Test
    @Order(6)
    void subjectAccessReviewsAnswerForOthers() throws Exception {
        Path admin = certUser("admin");
        Path review = home.resolve("sar.json");
        Files.writeString(review, """
                {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{
                 "user":"system:serviceaccount:rbac-it:bot","groups":["system:serviceaccounts"],
                 "resourceAttributes":{"namespace":"rbac-it","verb":"list","resource":"pods"}}}
                """);
        String sar = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
        assertEquals(true, Json.parse(ok(admin, "create", "--raw", sar, "-f", review.toString()).getBytes())
                .path("status").path("allowed").asBoolean());
        Files.writeString(review, """
                {"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview","metadata":{"namespace":"rbac-it"},
                 "spec":{"user":"system:serviceaccount:rbac-it:bot",
                 "resourceAttributes":{"namespace":"rbac-it","verb":"delete","resource":"pods"}}}
                """);
        String lsar = "/apis/authorization.k8s.io/v1/namespaces/rbac-it/localsubjectaccessreviews";
        JsonNode local = Json.parse(ok(admin, "create", "--raw", lsar, "-f", review.toString()).getBytes());
        assertEquals("LocalSubjectAccessReview", local.path("kind").asText());
        assertEquals(false, local.path("status").path("allowed").asBoolean());
        // the bot may not ask about others
        Kubectl.Result r = kubectl(tokenUser("bot", botToken()), "create", "--raw", lsar, "-f", review.toString());
        assertTrue(r.err().contains("localsubjectaccessreviews.authorization.k8s.io is forbidden"), r.all());
    }

    @Test
    @Order(7)
    void impersonationNeedsTheImpersonateVerb() throws Exception {
        Path admin = certUser("admin");
        String bot = "system:serviceaccount:rbac-it:bot";
        assertEquals("yes", kubectl(admin, "-n", "rbac-it", "auth", "can-i", "list", "pods", "--as=" + bot).out().trim());
        assertEquals("no", kubectl(admin, "-n", "rbac-it", "auth", "can-i", "delete", "pods", "--as=" + bot).out().trim());
        assertEquals(bot + " [\"system:serviceaccounts\",\"system:serviceaccounts:rbac-it\",\"system:authenticated\"]",
                ok(admin, "auth", "whoami", "--as=" + bot, "-o",
                        "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"));
        Kubectl.Result r = kubectl(tokenUser("bot", botToken()), "get", "pods", "--as=it-admin", "--as-group=system:masters");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("users \"it-admin\" is forbidden: User \"" + bot
                + "\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"), r.all());
    }

    @Test
    @Order(8)
    void tokensOfADeletedServiceAccountAreRefused() throws Exception {
        Path admin = certUser("admin");
        ok(admin, "-n", "rbac-it", "create", "serviceaccount", "short-lived");
        String token = ok(admin, "-n", "rbac-it", "create", "token", "short-lived").trim();
        Path user = tokenUser("short", token);
        assertEquals("system:serviceaccount:rbac-it:short-lived",
                ok(user, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"));
        ok(admin, "-n", "rbac-it", "delete", "serviceaccount", "short-lived");
        Kubectl.Result r = kubectl(user, "auth", "whoami");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Unauthorized"), r.all());
        // a new account with the same name has another uid: the old token stays refused
        ok(admin, "-n", "rbac-it", "create", "serviceaccount", "short-lived");
        assertTrue(kubectl(user, "auth", "whoami").err().contains("Unauthorized"));
    }
}
