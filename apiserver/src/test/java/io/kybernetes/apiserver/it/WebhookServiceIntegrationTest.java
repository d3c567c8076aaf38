package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A webhook named by {@code clientConfig.service}: the apiserver reads the Service, dials its cluster IP and checks
 * the certificate against {@code <service>.<namespace>.svc}. There is no proxy in this test, so the service range
 * is a loopback one and the webhook server listens on the Service's cluster IP and port itself.
 */
@QuarkusTest
@TestProfile(WebhookServiceIntegrationTest.LoopbackServices.class)
@Timeout(120)
class WebhookServiceIntegrationTest {

    public static class LoopbackServices implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kybernetes.service-cluster-ip-range", "127.0.77.0/24");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EtcdResource.class));
        }
    }

    static final String CLUSTER_IP = "127.0.77.77";

    @TestHTTPResource("/")
    URL base;

    static Path home;
    static WebhookServer right;
    static WebhookServer wrong;

    @BeforeAll
    static void start() throws Exception {
        home = Kubectl.scratch("apiserver-it-webhook-svc-");
        right = new WebhookServer(home, Map.of("/check", r -> WebhookServer.deny(0, "reached through the service")),
                CLUSTER_IP, List.of("hook.wh-svc.svc"));
        // a certificate for another name: the call must fail the host check
        Files.createDirectories(home.resolve("wrong"));
        wrong = new WebhookServer(home.resolve("wrong"), Map.of("/check", r -> WebhookServer.allow()),
                CLUSTER_IP, List.of("other.wh-svc.svc"));
    }

    @AfterAll
    static void clean() throws Exception {
        right.close();
        wrong.close();
        Kubectl.delete(home);
    }

    String kubectl(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + base.getPort(), "--request-timeout=20s"));
        a.addAll(List.of(args));
        return Kubectl.run(home, 40, true, a).line();
    }

    String create(String yaml) throws Exception {
        Path f = Files.createTempFile(home, "obj-", ".yaml");
        Files.writeString(f, yaml);
        return kubectl("create", "-f", f.toString()).replace(f.toString(), "FILE");
    }

    String config(String name, String service, int port, String caBundle) {
        return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: "
                + name + "}\nwebhooks:\n- name: " + name + ".kybernetes.test\n  admissionReviewVersions: [v1]\n"
                + "  sideEffects: None\n  clientConfig: {service: {namespace: wh-svc, name: " + service + ", port: "
                + port + ", path: /check}, caBundle: " + caBundle + "}\n"
                + "  rules: [{operations: [CREATE], apiGroups: [\"\"], apiVersions: [v1], resources: [configmaps]}]\n"
                + "  namespaceSelector: {matchLabels: {test: " + name + "}}\n";
    }

    String service(String name, int port) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: wh-svc}\nspec: {clusterIP: "
                + CLUSTER_IP + ", ports: [{port: " + port + "}]}\n";
    }

    static void eventually(java.util.concurrent.Callable<Boolean> step) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!step.call()) {
            assertTrue(System.currentTimeMillis() < deadline, "condition not reached in 10 s");
            Thread.sleep(200);
        }
    }

    @Test
    void aServiceIsDialledAtItsClusterIpAndItsCertificateNameChecked() throws Exception {
        assertTrue(kubectl("create", "namespace", "wh-svc").startsWith("0 "));
        assertTrue(create(service("hook", right.port)).startsWith("0 "));
        assertEquals("0 " + CLUSTER_IP, kubectl("get", "svc", "hook", "-n", "wh-svc", "-o",
                "jsonpath={.spec.clusterIP}"));
        kubectl("create", "namespace", "svc-right");
        kubectl("label", "namespace", "svc-right", "test=svc-right");
        assertTrue(create(config("svc-right", "hook", right.port, right.caBundle)).startsWith("0 "));
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: svc-right}\n";
        eventually(() -> !create(cm).startsWith("0 "));
        assertEquals("1 Error from server: error when creating \"FILE\": admission webhook \"svc-right.kybernetes.test\" "
                + "denied the request: reached through the service", create(cm));

        // the certificate of the server behind the other Service does not name hook2.wh-svc.svc
        kubectl("delete", "svc", "hook", "-n", "wh-svc");
        assertTrue(create(service("hook2", wrong.port)).startsWith("0 "), "the cluster IP is free again");
        kubectl("create", "namespace", "svc-wrong");
        kubectl("label", "namespace", "svc-wrong", "test=svc-wrong");
        assertTrue(create(config("svc-wrong", "hook2", wrong.port, wrong.caBundle)).startsWith("0 "));
        String cm2 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: svc-wrong}\n";
        eventually(() -> !create(cm2).startsWith("0 "));
        String out = create(cm2);
        assertTrue(out.startsWith("1 Error from server (InternalError): error when creating \"FILE\": Internal error "
                + "occurred: failed calling webhook \"svc-wrong.kybernetes.test\": failed to call webhook: Post "
                + "\"https://hook2.wh-svc.svc:" + wrong.port + "/check?timeout=10s\": tls: failed to verify certificate: "),
                out);
        assertTrue(out.contains("hook2.wh-svc.svc"), out);
        // a Service that does not exist
        kubectl("delete", "svc", "hook2", "-n", "wh-svc");
        eventually(() -> create(cm2).contains("service \"hook2\" not found"));
        kubectl("delete", "validatingwebhookconfiguration", "svc-right", "svc-wrong");
    }
}
