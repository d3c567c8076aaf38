package io.kybernetes.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The kubelet's API on HTTPS with client certificates, the token webhook and Webhook authorization, behind a real
 * apiserver (RBAC) and a real containerd: anonymous 401, a certificate of another CA refused in the handshake, a
 * user without rights 403 with upstream's text, a ServiceAccount token judged by TokenReview and RBAC, and the
 * apiserver's own kubelet client certificate, once bound to a kubelet-api-admin role, serving {@code kubectl logs}
 * and {@code kubectl exec} through the apiserver. A pod with the kube-api-access projected volume gets a JWT bound
 * to it, its namespace and the CA.
 */
@QuarkusTest
@QuarkusTestResource(value = SecureClusterResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureKubeletIntegrationTest {

    static final String NODE = SecureClusterResource.NODE;
    static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
    static KubernetesClient admin;
    static Path pki;
    static String base;

    record Curl(int exit, int status, String body) {
    }

    @BeforeAll
    static void cluster() throws Exception {
        Assumptions.assumeTrue(SecureClusterResource.available, "needs root, containerd, etcd and the apiserver jar");
        pki = SecureClusterResource.pki;
        base = "https://127.0.0.1:" + SecureClusterResource.kubeletPort;
        admin = SecureClusterResource.adminClient();
        await("node " + NODE + " Ready", Duration.ofSeconds(120), () -> {
            Node n = admin.nodes().withName(NODE).get();
            return n != null && n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus()
                    .getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        });
    }

    @AfterAll
    static void cleanup() {
        if (admin != null) {
            admin.pods().inNamespace("default").withName("tokens").withGracePeriod(0).delete();
            await("pod tokens gone", Duration.ofSeconds(60),
                    () -> admin.pods().inNamespace("default").withName("tokens").get() == null);
            admin.close();
        }
    }

    @Test
    @Order(1)
    void anonymousRequestsAre401() throws Exception {
        Curl c = curl(null, null, "GET", "/stats/summary");
        assertEquals(401, c.status(), c.toString());
        assertEquals("Unauthorized", c.body());
        assertEquals(401, curl(null, null, "POST", "/exec/default/x/y?command=id&stdout=1").status());
    }

    @Test
    @Order(2)
    void certificateOfAnotherCaIsRefusedInTheHandshake() throws Exception {
        Curl c = curl("evil", null, "GET", "/stats/summary");
        assertNotEquals(0, c.exit(), c.toString());
        assertEquals(0, c.status(), "no HTTP answer at all: " + c);
    }

    @Test
    @Order(3)
    void userWithoutRightsIs403() throws Exception {
        Curl c = curl("jane", null, "GET", "/stats/summary");
        assertEquals(403, c.status(), c.toString());
        assertEquals("Forbidden (user=jane, verb=get, resource=nodes, subresource=stats)", c.body());
        Curl exec = curl("jane", null, "POST", "/exec/default/x/y?command=id&stdout=1");
        assertEquals("Forbidden (user=jane, verb=create, resource=nodes, subresource=proxy)", exec.body());
        assertEquals("Forbidden (user=jane, verb=get, resource=nodes, subresource=proxy)",
                curl("jane", null, "GET", "/containerLogs/default/x/y").body());
    }

    @Test
    @Order(4)
    void bearerTokensGoThroughTokenReviewAndRbac() throws Exception {
        assertEquals(401, curl(null, "not-a-token", "GET", "/metrics").status());
        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("scraper").endMetadata().build()).serverSideApply();
        String token = admin.serviceAccounts().inNamespace("default").withName("scraper").tokenRequest(
                new TokenRequestBuilder().withNewSpec().endSpec().build()).getStatus().getToken();
        Curl denied = curl(null, token, "GET", "/metrics");
        assertEquals(403, denied.status(), denied.toString());
        assertEquals("Forbidden (user=system:serviceaccount:default:scraper, verb=get, resource=nodes, "
                + "subresource=metrics)", denied.body());
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("it-node-stats")
                .endMetadata().addNewRule().withApiGroups("").withResources("nodes/stats").withVerbs("get").endRule()
                .build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("it-node-stats").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName("it-node-stats").endRoleRef().addNewSubject()
                .withKind("ServiceAccount").withName("scraper").withNamespace("default").endSubject().build())
                .serverSideApply();
        Curl stats = curl(null, token, "GET", "/stats/summary");
        assertEquals(200, stats.status(), stats.toString());
        assertTrue(stats.body().contains("\"nodeName\""), stats.body());
        assertEquals(403, curl(null, token, "GET", "/metrics").status(), "still no right to metrics");
    }

    @Test
    @Order(5)
    void mastersMayDoEverything() throws Exception {
        Curl c = curl("admin", null, "GET", "/stats/summary");
        assertEquals(200, c.status(), c.toString());
        assertEquals(200, curl("admin", null, "GET", "/metrics").status());
    }

    @Test
    @Order(6)
    void apiserverReadsLogsAndExecsWithItsKubeletClientCertificate() throws Exception {
        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("robot").endMetadata().build()).serverSideApply();
        String ca = Files.readString(pki.resolve("ca.crt"));
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("kube-root-ca.crt").endMetadata().withData(Map.of("ca.crt", ca)).build()).serverSideApply();
        Pod pod = new PodBuilder().withNewMetadata().withName("tokens").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withServiceAccountName("robot").withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("app").withImage("busybox").withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", "echo started as $(id -u); exec sleep 3600")
                .addNewVolumeMount().withName("kube-api-access").withMountPath(SA_DIR).withReadOnly(true).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("kube-api-access").withNewProjected().withDefaultMode(0644)
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L)
                .endServiceAccountToken().endSource()
                .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt")
                .withPath("ca.crt").endItem().endConfigMap().endSource()
                .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef()
                .withApiVersion("v1").withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI()
                .endSource().endProjected().endVolume()
                .endSpec().build();
        admin.pods().inNamespace("default").resource(pod).create();
        await("pod tokens Running", Duration.ofSeconds(120), () -> {
            Pod p = admin.pods().inNamespace("default").withName("tokens").get();
            return p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
        });
        String uid = admin.pods().inNamespace("default").withName("tokens").get().getMetadata().getUid();

        // the apiserver's certificate has no rights on the kubelet yet: the kubelet's 403 reaches kubectl
        Curl before = kubectl("logs", "tokens");
        assertNotEquals(0, before.exit(), before.toString());
        assertTrue(before.body().contains("user=kube-apiserver-kubelet-client"), before.body());

        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata()
                .withName("system:kubelet-api-admin").endMetadata().addNewRule().withApiGroups("")
                .withResources("nodes/proxy", "nodes/log", "nodes/stats", "nodes/metrics", "nodes/spec")
                .withVerbs("*").endRule().addNewRule().withApiGroups("").withResources("nodes")
                .withVerbs("get", "list", "watch", "proxy").endRule().build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("kube-apiserver-kubelet-api-admin").endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("system:kubelet-api-admin")
                .endRoleRef().addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User")
                .withName("kube-apiserver-kubelet-client").endSubject().build()).serverSideApply();

        // the kubelet remembers the denial for --authorization-webhook-cache-unauthorized-ttl (30 s)
        Curl[] logs = {null};
        await("kubectl logs through the apiserver", Duration.ofSeconds(60), () -> {
            try {
                logs[0] = kubectl("logs", "tokens");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return logs[0].exit() == 0;
        });
        assertTrue(logs[0].body().contains("started as 0"), logs[0].toString());

        Curl token = kubectl("exec", "tokens", "--", "cat", SA_DIR + "/token");
        assertEquals(0, token.exit(), token.toString());
        String jwt = token.body().trim();
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, jwt);
        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("system:serviceaccount:default:robot", claims.path("sub").asText(), claims.toString());
        assertEquals("tokens", claims.path("kubernetes.io").path("pod").path("name").asText(), claims.toString());
        assertEquals(uid, claims.path("kubernetes.io").path("pod").path("uid").asText());
        assertEquals(3607, claims.path("exp").asLong() - claims.path("iat").asLong(), claims.toString());

        Curl ns = kubectl("exec", "tokens", "--", "cat", SA_DIR + "/namespace");
        assertEquals("default", ns.body().trim(), ns.toString());
        Curl caFile = kubectl("exec", "tokens", "--", "cat", SA_DIR + "/ca.crt");
        assertEquals(ca.trim(), caFile.body().trim());
        Curl mode = kubectl("exec", "tokens", "--", "ls", "-lL", SA_DIR + "/token");
        assertTrue(mode.body().startsWith("-rw-r--r--"), "the volume's defaultMode 0644: " + mode);

        // the mounted token is a working credential of the pod's service account
        TokenReview review = admin.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                .withNewSpec().withToken(jwt).endSpec().build());
        assertTrue(review.getStatus().getAuthenticated(), review.toString());
        assertEquals("system:serviceaccount:default:robot", review.getStatus().getUser().getUsername());
    }

    private static Curl kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", pki.resolve("admin.conf").toString(),
                "-n", "default"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Curl(p.exitValue(), 0, out);
    }

    /** curl against the kubelet: {@code cert} names a key pair in the PKI dir, {@code token} a bearer token. */
    private static Curl curl(String cert, String token, String method, String path) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert",
                pki.resolve("ca.crt").toString(), "-X", method, "-o", "-", "-w", "\n%{http_code}"));
        if (cert != null) {
            cmd.addAll(List.of("--cert", pki.resolve(cert + ".crt").toString(), "--key",
                    pki.resolve(cert + ".key").toString()));
        }
        if (token != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        cmd.add(base + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        int nl = out.lastIndexOf('\n');
        int status = 0;
        try {
            status = Integer.parseInt(out.substring(nl + 1).trim());
        } catch (NumberFormatException e) {
            // no status line: the connection failed
        }
        return new Curl(p.exitValue(), status, nl < 0 ? out : out.substring(0, nl));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (Exception notYet) {
                // retry
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
