package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Done-when 2-4: nginx from `kubectl create deployment` behind a Service VIP, apply, self-healing, scale, logs,
 * watch, and a clean removal. The steps build on each other, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static String clusterIp;
    private static Process watch;
    private static Path watchOut;

    @Test
    @Order(1)
    void createDeploymentRollsOutTwoNginxPods() {
        kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2").ok();
        String out = kubectl(Duration.ofSeconds(200), "rollout", "status", "deployment/web", "--timeout=180s").ok().out();
        assertTrue(out.contains("successfully rolled out"), out);
        List<String> running = runningPods("app=web");
        assertEquals(2, running.size(), kubectl("get", "pods", "-o", "wide").out());
        String wide = kubectl("get", "pods", "-l", "app=web", "-o", "wide").ok().out();
        for (String line : wide.lines().skip(1).toList()) {
            assertTrue(line.matches("web-\\S+\\s+1/1\\s+Running\\s+\\d+\\s+\\S+\\s+10\\.244\\.\\d+\\.\\d+\\s+.*"), wide);
        }
    }

    @Test
    @Order(2)
    void watchStreamsChanges() throws IOException {
        watchOut = Files.createTempFile("e2e-watch", ".txt");
        watch = new ProcessBuilder("kubectl", "--kubeconfig", Cli.KUBECONFIG, "get", "pods", "-w")
                .redirectOutput(watchOut.toFile()).redirectErrorStream(true).start();
        eventually(Duration.ofSeconds(20), this::watched, s -> s.contains("web-"));
    }

    @Test
    @Order(3)
    void exposeGivesAClusterIpThatServesNginx() throws Exception {
        kubectl("expose", "deployment", "web", "--port=80").ok();
        clusterIp = kubectl("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}").ok().out().trim();
        assertTrue(clusterIp.startsWith("10."), clusterIp);
        String body = eventually(Duration.ofSeconds(30), () -> get("http://" + clusterIp + "/"),
                b -> b.contains("Welcome to nginx"));
        assertTrue(body.contains("Welcome to nginx"), body);
    }

    @Test
    @Order(4)
    void applyCreatesThenUpdates() throws IOException {
        Path manifest = resource("applied-deployment.yaml");
        String first = kubectl("apply", "-f", manifest.toString()).ok().out();
        assertTrue(first.contains("deployment.apps/applied created"), first);
        Path changed = Files.createTempFile("applied", ".yaml");
        Files.writeString(changed, Files.readString(manifest).replace("replicas: 1", "replicas: 2"));
        String second = kubectl("apply", "-f", changed.toString()).ok().out();
        assertTrue(second.contains("deployment.apps/applied configured"), second);
        assertEquals("2", kubectl("get", "deployment", "applied", "-o", "jsonpath={.spec.replicas}").ok().out().trim());
        kubectl(Duration.ofSeconds(200), "rollout", "status", "deployment/applied", "--timeout=180s").ok();
        assertEquals(2, runningPods("app=applied").size());
    }

    @Test
    @Order(5)
    void aDeletedPodIsReplacedWithin30Seconds() {
        List<String> before = runningPods("app=web");
        String victim = before.get(0);
        kubectl(Duration.ofSeconds(90), "delete", "pod", victim).ok();
        List<String> after = eventually(Duration.ofSeconds(30), () -> runningPods("app=web"),
                pods -> pods.size() == 2 && !pods.contains(victim));
        assertFalse(after.contains(victim));
    }

    @Test
    @Order(6)
    void scaleToThreeGivesThreeEndpoints() {
        kubectl("scale", "deployment", "web", "--replicas=3").ok();
        eventually(Duration.ofSeconds(90), () -> runningPods("app=web"), pods -> pods.size() == 3);
        String eps = eventually(Duration.ofSeconds(30),
                () -> kubectl("get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}").ok().out(),
                s -> s.trim().split("\\s+").length == 3);
        assertEquals(3, Set.of(eps.trim().split("\\s+")).size(), eps);
        String table = kubectl("get", "endpoints", "web").ok().out();
        assertTrue(table.contains(":80"), table);
    }

    @Test
    @Order(7)
    void logsShowTheAccessLogOfTheRequests() {
        for (int i = 0; i < 10; i++) {
            assertTrue(get("http://" + clusterIp + "/").contains("Welcome to nginx"));
        }
        String all = runningPods("app=web").stream().map(p -> kubectl("logs", p).ok().out())
                .collect(Collectors.joining("\n"));
        assertTrue(all.contains("\"GET / HTTP/1.1\" 200"), all);
    }

    @Test
    @Order(8)
    void theWatchSawTheChanges() {
        String seen = eventually(Duration.ofSeconds(10), this::watched,
                s -> s.lines().filter(l -> l.startsWith("web-")).map(l -> l.split("\\s+")[0]).distinct().count() >= 4);
        assertTrue(seen.contains("Running"), seen);
        assertTrue(seen.contains("Terminating") || seen.contains("Completed") || seen.contains("Pending")
                || seen.contains("ContainerCreating"), seen);
    }

    @Test
    @Order(9)
    void deletingServiceAndDeploymentLeavesNothing() {
        kubectl("delete", "service", "web").ok();
        kubectl(Duration.ofSeconds(120), "delete", "deployment", "web", "applied").ok();
        eventually(Duration.ofSeconds(90), () -> kubectl("get", "pods", "-o", "name").ok().out(), String::isBlank);
        // the cluster's add-ons (the DNS pod in kube-system) keep their containers: only default's must be gone
        String inDefault = "labels.\"io.kubernetes.pod.namespace\"==default";
        eventually(Duration.ofSeconds(60), () -> Cli.ctr("containers", "ls", "-q", inDefault).ok().out(), String::isBlank);
        Set<String> others = Set.copyOf(Cli.ctr("containers", "ls", "-q").ok().out().lines().toList());
        List<String> tasks = Cli.ctr("tasks", "ls", "-q").ok().out().lines().filter(l -> !l.isBlank()).toList();
        assertTrue(others.containsAll(tasks), "tasks without a container outside default: " + tasks);
        String nat = eventually(Duration.ofSeconds(30), () -> Cli.run(Duration.ofSeconds(10), "iptables-save", "-t", "nat").ok().out(),
                s -> !s.contains(clusterIp + "/32"));
        assertFalse(nat.contains("default/web"), nat);
        assertEquals("", kubectl("get", "replicasets", "-o", "name").ok().out().trim());
    }

    @AfterAll
    static void cleanUp() {
        if (watch != null) {
            watch.destroy();
        }
        kubectl("delete", "deployment", "web", "applied", "--ignore-not-found");
        kubectl("delete", "service", "web", "--ignore-not-found");
    }

    private String watched() {
        try {
            return Files.readString(watchOut);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> runningPods(String selector) {
        String out = kubectl("get", "pods", "-l", selector, "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.metadata.deletionTimestamp}{\"\\n\"}{end}").ok().out();
        return out.lines().map(String::trim).filter(l -> l.endsWith(" Running"))
                .map(l -> l.split(" ")[0]).sorted().toList();
    }

    static String get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return r.body();
        } catch (IOException e) {
            return "error: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Path resource(String name) throws IOException {
        Path p = Files.createTempFile("e2e", "-" + name);
        try (InputStream in = WorkloadTest.class.getResourceAsStream("/" + name)) {
            Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }
}
