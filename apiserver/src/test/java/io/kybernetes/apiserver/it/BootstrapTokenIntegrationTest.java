package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyPairs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A node's first steps with a bootstrap token against the secure apiserver (the same profile, so the same server,
 * as SecureApiserverIntegrationTest), with the real kubectl: the token is system:bootstrap:&lt;id&gt; in kubeadm's
 * group, may create and read CertificateSigningRequests and nothing else; wrong, expired and deleted tokens are
 * refused; anonymous may read kube-public/cluster-info and no other ConfigMap there.
 */
@QuarkusTest
@TestProfile(SecureApiserverIntegrationTest.Secure.class)
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapTokenIntegrationTest {

    static final String TOKEN = "k7bx2q.f0e1d2c3b4a59687";
    static final String GROUP = "system:bootstrappers:kubeadm:default-node-token";

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    static Path home;

    @BeforeAll
    static void scratch() throws IOException {
        home = Kubectl.scratch("apiserver-it-bootstrap-");
    }

    @AfterAll
    static void cleanup() throws IOException {
        Kubectl.delete(home);
    }

    Path kubeconfig(String name, String userYaml) throws IOException {
        return Kubectl.kubeconfig(home, name, "https://127.0.0.1:" + base.getPort(), SecurePkiResource.dir.resolve("ca.crt"),
                userYaml);
    }

    Path admin() throws IOException {
        Path d = SecurePkiResource.dir;
        return kubeconfig("admin", "{client-certificate: \"%s\", client-key: \"%s\"}".formatted(d.resolve("admin.crt"),
                d.resolve("admin.key")));
    }

    Path token(String token) throws IOException {
        return kubeconfig("token-" + token.replace('.', '-'), "{token: \"%s\"}".formatted(token));
    }

    Kubectl.Result kubectl(Path config, String... args) throws Exception {
        return Kubectl.withConfig(home, config, args);
    }

    String ok(Path config, String... args) throws Exception {
        Kubectl.Result r = kubectl(config, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.all());
        return r.out();
    }

    /** kubectl until {@code done} holds (the token cache follows the store by a watch: a change lands a bit later). */
    Kubectl.Result eventually(Predicate<Kubectl.Result> done, Path config, String... args) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Kubectl.Result r = kubectl(config, args);
            if (done.test(r) || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    String apply(String yaml) throws Exception {
        Path f = Files.createTempFile(home, "obj-", ".yaml");
        Files.writeString(f, yaml);
        return ok(admin(), "apply", "-f", f.toString());
    }

    void tokenSecret(String id, String secret, Instant expiration) throws Exception {
        apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: bootstrap-token-%s, namespace: kube-system}
                type: bootstrap.kubernetes.io/token
                stringData:
                  token-id: "%s"
                  token-secret: "%s"
                  expiration: "%s"
                  usage-bootstrap-authentication: "true"
                  usage-bootstrap-signing: "true"
                  auth-extra-groups: "%s"
                """.formatted(id, id, secret, expiration.truncatedTo(ChronoUnit.SECONDS), GROUP));
    }

    /** The bootstrap policy and kube-public are created just after start. */
    @BeforeEach
    void awaitPolicy() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kubectl(admin(), "-n", "kube-public", "get", "rolebinding", "kubeadm:bootstrap-signer-clusterinfo")
                .exit() != 0 || kubectl(admin(), "get", "clusterrolebinding", "kubeadm:kubelet-bootstrap").exit() != 0) {
            assertTrue(System.nanoTime() < deadline, "bootstrap policy not in place within 30 s");
            Thread.sleep(300);
        }
    }

    @Test
    @Order(1)
    void bootstrapTokenMayAskForANodeCertificateAndNothingElse() throws Exception {
        tokenSecret("k7bx2q", "f0e1d2c3b4a59687", Instant.now().plus(1, ChronoUnit.HOURS));
        Path bootstrap = token(TOKEN);
        Kubectl.Result who = eventually(r -> r.exit() == 0, bootstrap, "auth", "whoami", "-o",
                "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
        assertEquals(0, who.exit(), who.all());
        assertEquals("system:bootstrap:k7bx2q [\"system:bootstrappers\",\"" + GROUP + "\",\"system:authenticated\"]",
                who.out());

        String request = Csr.create(CertSpec.client("system:node:joiner-1", "system:nodes"), KeyPairs.ecdsa());
        Path csr = home.resolve("csr.yaml");
        Files.writeString(csr, """
                apiVersion: certificates.k8s.io/v1
                kind: CertificateSigningRequest
                metadata: {name: node-csr-joiner-1}
                spec:
                  request: %s
                  signerName: kubernetes.io/kube-apiserver-client-kubelet
                  usages: [digital signature, client auth]
                """.formatted(Base64.getEncoder().encodeToString(request.getBytes(StandardCharsets.US_ASCII))));
        ok(bootstrap, "create", "-f", csr.toString());
        JsonNode created = Json.parse(ok(bootstrap, "get", "csr", "node-csr-joiner-1", "-o", "json")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("system:bootstrap:k7bx2q", created.path("spec").path("username").asText());
        assertTrue(created.path("spec").path("groups").toString().contains(GROUP), created.toString());

        Kubectl.Result secrets = kubectl(bootstrap, "-n", "kube-system", "get", "secrets");
        assertEquals(1, secrets.exit(), secrets.all());
        assertTrue(secrets.err().contains("secrets is forbidden: User \"system:bootstrap:k7bx2q\" cannot list "
                + "resource \"secrets\""), secrets.all());
        Kubectl.Result approve = kubectl(bootstrap, "certificate", "approve", "node-csr-joiner-1");
        assertEquals(1, approve.exit(), "a bootstrap token does not approve: " + approve.all());
        assertEquals("yes\n", ok(admin(), "auth", "can-i", "create", "certificatesigningrequests",
                "--subresource=nodeclient", "--as=system:bootstrap:k7bx2q", "--as-group=" + GROUP));
        assertEquals("no\n", kubectl(admin(), "auth", "can-i", "create", "certificatesigningrequests",
                "--subresource=selfnodeclient", "--as=system:bootstrap:k7bx2q", "--as-group=" + GROUP).out());
    }

    @Test
    @Order(2)
    void wrongExpiredAndDeletedTokensAreUnauthorized() throws Exception {
        tokenSecret("old000", "0123456789abcdef", Instant.now().minus(1, ChronoUnit.MINUTES));
        tokenSecret("gone00", "0123456789abcdef", Instant.now().plus(1, ChronoUnit.HOURS));
        assertEquals(0, eventually(r -> r.exit() == 0, token("gone00.0123456789abcdef"), "auth", "whoami").exit());

        for (String t : List.of("k7bx2q.f0e1d2c3b4a59688", "old000.0123456789abcdef", "nosuch.0123456789abcdef")) {
            Kubectl.Result r = kubectl(token(t), "get", "--raw", "/api");
            assertEquals(1, r.exit(), t);
            assertTrue(r.err().contains("Unauthorized"), t + ": " + r.all());
        }
        ok(admin(), "-n", "kube-system", "delete", "secret", "bootstrap-token-gone00");
        Kubectl.Result deleted = eventually(r -> r.exit() != 0, token("gone00.0123456789abcdef"), "get", "--raw", "/api");
        assertTrue(deleted.err().contains("Unauthorized"), "a deleted token is refused: " + deleted.all());
    }

    @Test
    @Order(3)
    void anonymousReadsClusterInfoOnly() throws Exception {
        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cluster-info, namespace: kube-public}
                data: {kubeconfig: "apiVersion: v1\\nkind: Config\\n"}
                """);
        ok(admin(), "-n", "kube-public", "create", "configmap", "private", "--from-literal=a=b");
        HttpResponse<String> info = anonymous("/api/v1/namespaces/kube-public/configmaps/cluster-info");
        assertEquals(200, info.statusCode(), info.body());
        assertTrue(Json.parse(info.body().getBytes(StandardCharsets.UTF_8)).path("data").path("kubeconfig")
                .asText().startsWith("apiVersion: v1"));
        assertEquals(403, anonymous("/api/v1/namespaces/kube-public/configmaps/private").statusCode());
        assertEquals(403, anonymous("/api/v1/namespaces/kube-public/configmaps").statusCode());
    }

    HttpResponse<String> anonymous(String path) throws Exception {
        return SecureApiserverIntegrationTest.anonymousClient().send(HttpRequest.newBuilder(URI.create(
                "https://127.0.0.1:" + base.getPort() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
