package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, PodDisruptionBudgets: a Deployment of 3 under a budget of minAvailable 2 shows ALLOWED DISRUPTIONS 1 in
 * {@code kubectl get pdb}; one eviction through the eviction subresource is accepted, a second one right after it
 * is refused with 429 (the budget has no disruption left until the replacement pod is Ready), and the budget allows
 * one disruption again once the Deployment has replaced the evicted pod. On a one-node cluster this stands in for
 * {@code kubectl drain}, which would cordon the only node. Not-Ready pods follow the budget's
 * unhealthyPodEvictionPolicy: refused under IfHealthyBudget while the budget lacks healthy pods, evicted under
 * AlwaysAllow, and an evicted pod carries the DisruptionTarget condition while it terminates.
 */
@Tag("node")
class DisruptionTest {

    private static final String NS = "disruptiontest";

    @BeforeAll
    static void deploy() throws IOException {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        Path manifest = Files.createTempFile("pdb", ".yaml");
        Files.writeString(manifest, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: web
                        image: busybox
                        command: ["sleep", "3600"]
                """);
        try {
            kubectl("-n", NS, "apply", "-f", manifest.toString()).ok();
        } finally {
            Files.deleteIfExists(manifest);
        }
        kubectl("-n", NS, "create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=2").ok();
    }

    @AfterAll
    static void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @Test
    void aBudgetOfMinAvailableTwoLetsOneOfThreePodsBeEvictedAtATime() throws IOException {
        String table = eventually(Duration.ofSeconds(120), () -> kubectl("-n", NS, "get", "pdb", "web").out(),
                out -> out.lines().anyMatch(l -> l.matches("web\\s+2\\s+N/A\\s+1\\s+.*")));
        System.out.println("kubectl get pdb:\n" + table);
        assertTrue(table.lines().findFirst().orElse("").matches(
                "NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+ALLOWED DISRUPTIONS\\s+AGE"), table);
        assertEquals("3 2 3 1 DisruptionAllowed=True/SufficientPods", status());

        List<String> pods = List.of(kubectl("-n", NS, "get", "pods", "-l", "app=web", "--field-selector",
                "status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}").ok().out().trim().split(" "));
        assertEquals(3, pods.size(), pods.toString());
        Cli.Result first = evict(pods.get(0));
        System.out.println("first eviction: exit " + first.exit() + " " + first.out() + first.err());
        assertEquals(0, first.exit(), first.err());
        Cli.Result second = evict(pods.get(1));
        System.out.println("second eviction: exit " + second.exit() + " " + second.out() + second.err());
        assertNotEquals(0, second.exit(), "the second eviction must be refused");
        assertTrue(second.err().contains("TooManyRequests")
                && second.err().contains("Cannot evict pod as it would violate the pod's disruption budget"),
                second.err());
        String afterSecond = kubectl("-n", NS, "get", "pod", pods.get(1), "-o",
                "jsonpath={.metadata.deletionTimestamp}").ok().out();
        assertEquals("", afterSecond, "the refused pod is not being deleted");

        // the Deployment replaces the evicted pod; once it is Ready the budget allows one disruption again
        String again = eventually(Duration.ofSeconds(120), DisruptionTest::status,
                s -> s.equals("3 2 3 1 DisruptionAllowed=True/SufficientPods"));
        System.out.println("after the replacement: " + again);
        Cli.Result third = evict(pods.get(1));
        assertEquals(0, third.exit(), third.err());
    }

    @Test
    void notReadyPodsFollowTheUnhealthyPodEvictionPolicy() throws IOException {
        Path manifest = Files.createTempFile("sick", ".yaml");
        Files.writeString(manifest, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: sick
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {app: sick}
                  template:
                    metadata:
                      labels: {app: sick}
                    spec:
                      terminationGracePeriodSeconds: 30
                      containers:
                      - name: sick
                        image: busybox
                        command: ["sleep", "3600"]
                        readinessProbe:
                          exec: {command: ["false"]}
                          periodSeconds: 2
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: sick
                spec:
                  minAvailable: 2
                  selector:
                    matchLabels: {app: sick}
                """);
        try {
            kubectl("-n", NS, "apply", "-f", manifest.toString()).ok();
        } finally {
            Files.deleteIfExists(manifest);
        }
        String budget = eventually(Duration.ofSeconds(120), () -> kubectl("-n", NS, "get", "pdb", "sick", "-o",
                "jsonpath={.status.expectedPods} {.status.desiredHealthy} {.status.currentHealthy} "
                        + "{.status.disruptionsAllowed}").out().trim(), s -> s.equals("2 2 0 0"));
        assertEquals("2 2 0 0", budget);
        String pod = eventually(Duration.ofSeconds(120), () -> kubectl("-n", NS, "get", "pods", "-l", "app=sick",
                "--field-selector", "status.phase=Running", "-o", "jsonpath={.items[0].metadata.name}").out().trim(),
                s -> !s.isEmpty());

        Cli.Result refused = evict(pod);
        System.out.println("IfHealthyBudget: exit " + refused.exit() + " " + refused.err());
        assertNotEquals(0, refused.exit(), "a not-Ready pod under a budget short of healthy pods stays");
        assertTrue(refused.err().contains("TooManyRequests"), refused.err());

        kubectl("-n", NS, "patch", "pdb", "sick", "--type=merge", "-p",
                "{\"spec\":{\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\"}}").ok();
        Cli.Result evicted = evict(pod);
        System.out.println("AlwaysAllow: exit " + evicted.exit() + " " + evicted.out() + evicted.err());
        assertEquals(0, evicted.exit(), evicted.err());
        String condition = kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath="
                + "{range .status.conditions[?(@.type=='DisruptionTarget')]}{.status}/{.reason}/{.message}{end}")
                .out().trim();
        System.out.println("evicted pod: " + condition);
        assertTrue(condition.endsWith("True/EvictionByEvictionAPI/Eviction API: evicting"), condition);
        assertNotEquals("", kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.metadata.deletionTimestamp}")
                .ok().out().trim(), "the evicted pod is terminating");
    }

    /** expectedPods desiredHealthy currentHealthy disruptionsAllowed and the DisruptionAllowed condition. */
    private static String status() {
        return kubectl("-n", NS, "get", "pdb", "web", "-o", "jsonpath={.status.expectedPods} "
                + "{.status.desiredHealthy} {.status.currentHealthy} {.status.disruptionsAllowed} "
                + "{range .status.conditions[*]}{.type}={.status}/{.reason}{end}").out().trim();
    }

    private static Cli.Result evict(String pod) throws IOException {
        Path body = Files.createTempFile("eviction", ".json");
        Files.writeString(body, "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
                + pod + "\",\"namespace\":\"" + NS + "\"}}");
        try {
            return kubectl("create", "--raw", "/api/v1/namespaces/" + NS + "/pods/" + pod + "/eviction", "-f",
                    body.toString());
        } finally {
            Files.deleteIfExists(body);
        }
    }
}
