package io.kybernetes.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 10, Done-when 2, on a cluster from {@code up --secure} (skipped on an insecure one): a node joins with
 * nothing but the API server's address and a bootstrap token ({@code ./kybernetes token create}, then
 * {@code ./kybernetes join HOST:6443 --token T --index=9}): token discovery checks cluster-info's signature, the
 * kubelet's TLS bootstrap gets its client certificate from a CSR made as system:bootstrap:&lt;id&gt; and its serving
 * certificate from one made as the node; the node turns Ready, a pod pinned to it runs, and {@code kubectl logs} and
 * {@code exec} reach it (the apiserver verifies the node's serving certificate with the cluster CA). A wrong token is
 * refused before anything starts. The node leaves again afterwards ({@code join --leave}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JoinTest {

    static final int INDEX = 9;
    static final String SCRIPT = "../kybernetes";
    static final ObjectMapper JSON = new ObjectMapper();
    static String node;
    static String server;
    static String token;

    @BeforeAll
    static void secureCluster() {
        assumeTrue(Cli.SECURE, "the cluster is not secure (./kybernetes up --secure)");
        node = Cli.run(Duration.ofSeconds(5), "hostname").ok().out().trim().toLowerCase(Locale.ROOT) + "-w" + INDEX;
        String route = Cli.run(Duration.ofSeconds(5), "ip", "-4", "-o", "route", "get", "1.1.1.1").ok().out();
        String ip = route.replaceAll("(?s).* src ([0-9.]+).*", "$1").trim();
        server = ip + ":6443";
        token = Cli.run(Duration.ofSeconds(60), SCRIPT, "token", "create", "--ttl=1h", "--description=JoinTest")
                .ok().out().trim();
        assertTrue(token.matches("[a-z0-9]{6}\\.[a-z0-9]{16}"), token);
    }

    @AfterAll
    static void leave() {
        if (Cli.SECURE) {
            Cli.kubectl("delete", "pod", "join-test", "--ignore-not-found", "--grace-period=0", "--force");
            Cli.run(Duration.ofSeconds(120), SCRIPT, "join", "--leave", "--index=" + INDEX);
        }
    }

    @Test
    @Order(1)
    void tokenIsListed() {
        String list = Cli.run(Duration.ofSeconds(60), SCRIPT, "token", "list").ok().out();
        String line = list.lines().filter(l -> l.startsWith(token + " ")).findFirst().orElse("");
        assertTrue(line.contains("authentication,signing"), list);
        assertTrue(line.contains("system:bootstrappers:kubeadm:default-node-token"), list);
        assertTrue(line.matches(".* (59m|1h) .*"), "TTL about an hour: " + line);
    }

    @Test
    @Order(2)
    void wrongTokenIsRefused() {
        String wrong = token.substring(0, 7) + (token.charAt(7) == 'a' ? 'b' : 'a') + token.substring(8);
        Cli.Result r = Cli.run(Duration.ofSeconds(180), SCRIPT, "join", server, "--token", wrong,
                "--index=" + INDEX);
        assertNotEquals(0, r.exit(), r.out() + r.err());
        assertTrue((r.out() + r.err()).contains("signature does not match token " + token.substring(0, 6)),
                r.out() + r.err());
        assertFalse((r.out() + r.err()).contains(wrong.substring(7)), "the secret is never printed");
        assertFalse(Cli.run(Duration.ofSeconds(5), "ip", "netns", "list").ok().out().contains("kyb-w" + INDEX),
                "a refused node leaves no network namespace behind");
        assertNotEquals(0, Cli.kubectl("get", "node", node).exit());
    }

    @Test
    @Order(3)
    void nodeJoinsWithTheTokenAlone() throws Exception {
        Cli.run(Duration.ofMinutes(6), SCRIPT, "join", server, "--token", token, "--index=" + INDEX).ok();
        Cli.eventually(Duration.ofSeconds(120),
                () -> Cli.kubectl("get", "node", node, "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out(),
                "True"::equals);

        JsonNode csrs = JSON.readTree(Cli.kubectl("get", "csr", "-o", "json").ok().out()).path("items");
        String id = token.substring(0, 6);
        JsonNode client = find(csrs, "system:bootstrap:" + id, "kubernetes.io/kube-apiserver-client-kubelet");
        assertIssued(client);
        JsonNode serving = find(csrs, "system:node:" + node, "kubernetes.io/kubelet-serving");
        assertIssued(serving);
        // as kubectl shows them
        String table = Cli.kubectl("get", "csr").ok().out();
        for (JsonNode c : List.of(client, serving)) {
            String line = table.lines().filter(l -> l.startsWith(c.path("metadata").path("name").asText() + " "))
                    .findFirst().orElse("");
            assertTrue(line.contains("Approved,Issued"), table);
        }
    }

    @Test
    @Order(4)
    void podOnTheNewNodeRunsAndLogsAndExecWork() {
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: join-test, namespace: default}
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: busybox
                    command: ["sh", "-c", "echo hello from the joined node; sleep 3600"]
                """.formatted(node);
        Cli.Result applied = Cli.run(Duration.ofSeconds(60), "sh", "-c",
                "printf '%s' \"$0\" | kubectl --kubeconfig " + Cli.KUBECONFIG + " apply -f -", manifest);
        applied.ok();
        Cli.eventually(Duration.ofSeconds(120),
                () -> Cli.kubectl("get", "pod", "join-test", "-o", "jsonpath={.status.phase}").out(),
                "Running"::equals);
        String logs = Cli.eventually(Duration.ofSeconds(30), () -> Cli.kubectl("logs", "join-test").out(),
                out -> out.contains("hello from the joined node"));
        assertTrue(logs.contains("hello from the joined node"));
        Cli.Result exec = Cli.kubectl("exec", "join-test", "--", "sh", "-c", "echo exec on $(hostname)");
        assertEquals("exec on join-test", exec.ok().out().trim());
    }

    private static JsonNode find(JsonNode csrs, String username, String signer) {
        for (JsonNode c : csrs) {
            if (username.equals(c.path("spec").path("username").asText())
                    && signer.equals(c.path("spec").path("signerName").asText())) {
                return c;
            }
        }
        throw new AssertionError("no CSR of " + username + " for " + signer + " in " + csrs);
    }

    private static void assertIssued(JsonNode csr) {
        boolean approved = false;
        for (JsonNode cond : csr.path("status").path("conditions")) {
            approved |= "Approved".equals(cond.path("type").asText()) && "True".equals(cond.path("status").asText());
        }
        assertTrue(approved, csr.toString());
        assertFalse(csr.path("status").path("certificate").asText("").isEmpty(), csr.toString());
    }
}
