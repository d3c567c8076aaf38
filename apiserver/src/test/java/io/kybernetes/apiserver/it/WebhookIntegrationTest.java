package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Dynamic admission webhooks end to end: the apiserver on a real etcd calls a real HTTPS webhook server (certificate
 * from a test CA, passed as caBundle), driven by the real kubectl. Each test keeps to its own labelled namespace
 * through the webhooks' namespaceSelector.
 */
@QuarkusTest
@Timeout(180)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class WebhookIntegrationTest {

    @TestHTTPResource("/")
    URL base;

    static Path home;
    static WebhookServer hooks;

    @BeforeAll
    static void start() throws Exception {
        home = Kubectl.scratch("apiserver-it-webhooks-");
        hooks = new WebhookServer(home, Map.of(
                "/deny", r -> r.path("name").asText().startsWith("bad")
                        ? WebhookServer.deny(0, "configmap names may not start with bad")
                        : WebhookServer.allow().set("warnings", Json.array().add("checked by the webhook")),
                "/deny-forbidden", r -> WebhookServer.deny(403, "no secrets today"),
                "/mutate", r -> r.path("object").path("metadata").has("labels")
                        ? WebhookServer.patch("[{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\",\"value\":\"yes\"}]")
                        : WebhookServer.patch("[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"mutated\":\"yes\"}}]"),
                "/first", r -> WebhookServer.patch(r.path("object").path("metadata").has("labels")
                        ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/first\",\"value\":\""
                                + (r.path("object").path("metadata").path("labels").has("second") ? "saw-second" : "alone")
                                + "\"}]"
                        : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"first\":\"alone\"}}]"),
                "/second", r -> WebhookServer.patch(
                        "[{\"op\":\"add\",\"path\":\"/metadata/labels/second\",\"value\":\"yes\"}]"),
                "/label-check", r -> "yes".equals(r.path("object").path("metadata").path("labels").path("mutated")
                        .asText()) ? WebhookServer.allow() : WebhookServer.deny(0, "not mutated first")));
    }

    @AfterAll
    static void clean() throws Exception {
        if (hooks != null) {
            hooks.close();
        }
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
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

    /** Repeats {@code step} until it returns true (a new webhook configuration reaches the watch-fed cache). */
    static void eventually(Callable<Boolean> step) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!step.call()) {
            assertTrue(System.currentTimeMillis() < deadline, "condition not reached in 10 s");
            Thread.sleep(200);
        }
    }

    String namespace(String name, String label) throws Exception {
        return create("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {test: " + label
                + "}}\n");
    }

    String webhookConfig(String kind, String name, String hook, String clientConfig, String extra, String resources,
            String testLabel) {
        return "apiVersion: admissionregistration.k8s.io/v1\nkind: " + kind + "\nmetadata: {name: " + name + "}\n"
                + "webhooks:\n- name: " + hook + "\n  admissionReviewVersions: [v1]\n  sideEffects: None\n"
                + "  clientConfig: " + clientConfig + "\n"
                + "  rules: [{operations: [CREATE, UPDATE], apiGroups: [\"\"], apiVersions: [v1], resources: ["
                + resources + "]}]\n"
                + "  namespaceSelector: {matchLabels: {test: " + testLabel + "}}\n" + extra;
    }

    String byUrl(String path) {
        return "{url: \"" + hooks.url(path) + "\", caBundle: " + hooks.caBundle + "}";
    }

    @Test
    void validatingWebhookDeniesWithItsMessageAndNamespaceSelectorExcludes() throws Exception {
        namespace("wh-deny", "deny");
        namespace("wh-other", "other");
        assertTrue(create(webhookConfig("ValidatingWebhookConfiguration", "deny-bad", "deny.kybernetes.test",
                byUrl("/deny"), "", "configmaps", "deny")).startsWith("0 "));
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-one, namespace: wh-deny}\n";
        eventually(() -> !create(cm).startsWith("0 "));
        assertEquals("1 Error from server: error when creating \"FILE\": admission webhook \"deny.kybernetes.test\" "
                + "denied the request: configmap names may not start with bad", create(cm));

        // the Status on the wire: code 400 (the webhook gave none), upstream's message
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + base.getPort() + "/api/v1/namespaces/wh-deny/configmaps"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"bad-two\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        JsonNode status = Json.parse(r.body().getBytes());
        assertEquals("admission webhook \"deny.kybernetes.test\" denied the request: configmap names may not start "
                + "with bad", status.path("message").asText());
        assertEquals("Failure", status.path("status").asText());

        // allowed, with the webhook's warning printed by kubectl
        assertEquals("0 Warning: checked by the webhook\nconfigmap/good created",
                create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: wh-deny}\n"));
        // the namespace selector leaves other namespaces alone
        assertEquals("0 configmap/bad-one created",
                create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-one, namespace: wh-other}\n"));
        // what the webhook was sent
        JsonNode review = hooks.received.stream().filter(x -> x.path("request").path("name").asText().equals("good"))
                .findFirst().orElseThrow();
        assertEquals("admission.k8s.io/v1", review.path("apiVersion").asText());
        JsonNode req = review.path("request");
        assertEquals("CREATE", req.path("operation").asText());
        assertEquals("wh-deny", req.path("namespace").asText());
        assertEquals("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"}", req.path("kind").toString());
        assertEquals("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"configmaps\"}", req.path("resource").toString());
        assertEquals("system:anonymous", req.path("userInfo").path("username").asText());
        assertEquals("ConfigMap", req.path("object").path("kind").asText());
        assertEquals("CreateOptions", req.path("options").path("kind").asText());
        assertTrue(req.path("oldObject").isNull());
        assertEquals("0 validatingwebhookconfiguration.admissionregistration.k8s.io \"deny-bad\" deleted",
                kubectl("delete", "validatingwebhookconfiguration", "deny-bad"));
        eventually(() -> create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-three, namespace: wh-deny}\n")
                .startsWith("0 "));
    }

    @Test
    void webhookStatusCodeAndReasonAreKept() throws Exception {
        namespace("wh-code", "code");
        assertTrue(create(webhookConfig("ValidatingWebhookConfiguration", "deny-secrets", "secrets.kybernetes.test",
                byUrl("/deny-forbidden"), "", "secrets", "code")).startsWith("0 "));
        eventually(() -> kubectl("create", "secret", "generic", "s", "-n", "wh-code").contains("no secrets today"));
        assertEquals("1 error: failed to create secret admission webhook \"secrets.kybernetes.test\" denied the "
                + "request: no secrets today", kubectl("create", "secret", "generic", "s", "-n", "wh-code"));
        kubectl("delete", "validatingwebhookconfiguration", "deny-secrets");
    }

    @Test
    void mutatingWebhookPatchesBeforeValidatingWebhooksSeeTheObject() throws Exception {
        namespace("wh-mutate", "mutate");
        assertTrue(create(webhookConfig("MutatingWebhookConfiguration", "add-label", "label.kybernetes.test",
                byUrl("/mutate"), "", "configmaps", "mutate")).startsWith("0 "));
        assertTrue(create(webhookConfig("ValidatingWebhookConfiguration", "check-label", "check.kybernetes.test",
                byUrl("/label-check"), "", "configmaps", "mutate")).startsWith("0 "));
        String[] n = {"0"};
        eventually(() -> create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m" + n[0] + ", namespace: "
                + "wh-mutate, labels: {a: b}}\n").startsWith("0 ") || (n[0] = n[0] + "x") == null);
        assertEquals("0 configmap/plain created",
                create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: wh-mutate}\n"));
        assertEquals("0 yes", kubectl("get", "cm", "plain", "-n", "wh-mutate", "-o",
                "jsonpath={.metadata.labels.mutated}"));
        assertEquals("0 b yes", kubectl("get", "cm", "m" + n[0], "-n", "wh-mutate", "-o",
                "jsonpath={.metadata.labels.a} {.metadata.labels.mutated}"));
        // an update is mutated too: the label a client removes comes back
        assertTrue(kubectl("label", "cm", "plain", "-n", "wh-mutate", "mutated-").startsWith("0 "));
        assertEquals("0 yes", kubectl("get", "cm", "plain", "-n", "wh-mutate", "-o",
                "jsonpath={.metadata.labels.mutated}"));
        kubectl("delete", "validatingwebhookconfiguration", "check-label");
        kubectl("delete", "mutatingwebhookconfiguration", "add-label");
    }

    @Test
    void aWebhookWithReinvocationIfNeededIsCalledAgainAfterALaterChange() throws Exception {
        namespace("wh-again", "again");
        assertTrue(create(webhookConfig("MutatingWebhookConfiguration", "a-first", "first.kybernetes.test",
                byUrl("/first"), "  reinvocationPolicy: IfNeeded\n", "configmaps", "again")).startsWith("0 "));
        assertTrue(create(webhookConfig("MutatingWebhookConfiguration", "b-second", "second.kybernetes.test",
                byUrl("/second"), "", "configmaps", "again")).startsWith("0 "));
        int[] n = {0};
        eventually(() -> {
            String name = "r" + n[0]++;
            create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + ", namespace: wh-again}\n");
            return kubectl("get", "cm", name, "-n", "wh-again", "-o", "jsonpath={.metadata.labels.second}")
                    .equals("0 yes");
        });
        assertEquals("0 configmap/last created",
                create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: last, namespace: wh-again}\n"));
        // the first pass labelled it "alone"; the second webhook's change made it call the first one again
        assertEquals("0 saw-second yes", kubectl("get", "cm", "last", "-n", "wh-again", "-o",
                "jsonpath={.metadata.labels.first} {.metadata.labels.second}"));
        // first, second, first again
        assertEquals(3, hooks.received.stream().filter(x -> x.path("request").path("name").asText().equals("last"))
                .count());
        kubectl("delete", "mutatingwebhookconfiguration", "a-first", "b-second");
    }

    @Test
    void unreachableWebhookFollowsFailurePolicy() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        namespace("wh-ignore", "ignore");
        namespace("wh-fail", "fail");
        String url = "{url: \"https://127.0.0.1:" + closed + "/nowhere\"}";
        assertTrue(create(webhookConfig("ValidatingWebhookConfiguration", "ignore-down", "ignore.kybernetes.test",
                url, "  failurePolicy: Ignore\n", "configmaps", "ignore")).startsWith("0 "));
        assertTrue(create(webhookConfig("ValidatingWebhookConfiguration", "fail-down", "fail.kybernetes.test",
                url, "  timeoutSeconds: 3\n", "configmaps", "fail")).startsWith("0 "));
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: wh-fail}\n";
        eventually(() -> !create(cm).startsWith("0 "));
        String refused = create(cm);
        assertTrue(refused.startsWith("1 Error from server (InternalError): error when creating \"FILE\": Internal "
                + "error occurred: failed calling webhook \"fail.kybernetes.test\": failed to call webhook: Post "
                + "\"https://127.0.0.1:" + closed + "/nowhere?timeout=3s\": "), refused);
        assertEquals("0 configmap/c created",
                create("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: wh-ignore}\n"));
        kubectl("delete", "validatingwebhookconfiguration", "ignore-down", "fail-down");
    }

    @Test
    void configurationsAreValidated() throws Exception {
        String out = create("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingWebhookConfiguration
                metadata: {name: broken}
                webhooks:
                - name: short.name
                  admissionReviewVersions: [v1]
                  timeoutSeconds: 31
                  clientConfig: {url: "http://127.0.0.1:1/x"}
                  rules: [{operations: [CREATE, PATCH], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
                """);
        assertTrue(out.startsWith("1 The ValidatingWebhookConfiguration \"broken\" is invalid: "), out);
        for (String part : List.of(
                "webhooks[0].name: Invalid value: \"short.name\": should be a domain with at least three segments "
                        + "separated by dots",
                "webhooks[0].sideEffects: Required value",
                "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
                "webhooks[0].rules[0].operations[1]: Unsupported value: \"PATCH\"",
                "webhooks[0].clientConfig.url: Invalid value: \"http://127.0.0.1:1/x\": 'https' is the only allowed "
                        + "URL scheme")) {
            assertTrue(out.contains(part), out);
        }
        // defaults as v1's
        assertTrue(create(webhookConfig("MutatingWebhookConfiguration", "defaults", "defaults.kybernetes.test",
                "{service: {namespace: default, name: hook}}", "", "pods", "none")).startsWith("0 "));
        assertEquals("0 Fail Equivalent 10 Never * 443", kubectl("get", "mutatingwebhookconfiguration", "defaults",
                "-o", "jsonpath={.webhooks[0].failurePolicy} {.webhooks[0].matchPolicy} {.webhooks[0].timeoutSeconds} "
                        + "{.webhooks[0].reinvocationPolicy} {.webhooks[0].rules[0].scope} "
                        + "{.webhooks[0].clientConfig.service.port}"));
        kubectl("delete", "mutatingwebhookconfiguration", "defaults");
    }
}
