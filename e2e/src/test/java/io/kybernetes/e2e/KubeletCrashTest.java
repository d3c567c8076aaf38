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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 7, Done-when 3: with 20 running pods the kubelet is killed with SIGKILL and started again the way
 * `./kybernetes up` starts it. The pods keep their containers (same IDs, same processes, restartCount unchanged) and
 * their status; a pod deleted gracefully and one force-deleted while the kubelet was down are cleaned up after it.
 */
@Tag("node")
class KubeletCrashTest {

    private static final String NS = "kubeletcrash";
    private static final int PODS = 20;
    private static final String GRACEFUL = "crash-7";
    private static final String FORCED = "crash-13";
    private static final Path PID_FILE = Path.of("/run/kybernetes/kubelet.pid");
    private static final Path SCRIPT = Path.of(System.getProperty("e2e.kybernetes", "../kybernetes"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void twentyRunningPods() throws IOException {
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s");
        kubectl("create", "namespace", NS).ok();
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < PODS; i++) {
            manifest.append("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: crash-%d, labels: {app: crash}}
                    spec:
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        image: busybox:1.36
                        command: [sh, -c, "echo started; exec sleep 3600"]
                        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 2}
                    ---
                    """.formatted(i));
        }
        Path f = Files.createTempFile("crash", ".yaml");
        Files.writeString(f, manifest.toString());
        kubectl("-n", NS, "apply", "-f", f.toString()).ok();
        Files.delete(f);
        eventually(Duration.ofSeconds(180), () -> readyCount(pods()), n -> n == PODS);
    }

    @AfterAll
    static void cleanUp() {
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s");
    }

    @Test
    void podsSurviveAKubeletKilledWithSigkill() throws Exception {
        Map<String, JsonNode> before = byName(pods());
        Map<String, String> uids = before.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().path("metadata").path("uid").asText()));
        Map<String, Set<String>> runtimeBefore = new TreeMap<>();
        uids.forEach((name, uid) -> runtimeBefore.put(name, runtimeObjects(uid)));
        Map<String, String> tasksBefore = tasks();
        for (String name : before.keySet()) {
            assertEquals(2, runtimeBefore.get(name).size(), "sandbox and container of " + name + ": " + runtimeBefore.get(name));
        }

        String pid = Files.readString(PID_FILE).trim();
        Cli.run(Duration.ofSeconds(10), "kill", "-9", pid).ok();
        eventually(Duration.ofSeconds(10), () -> Cli.run(Duration.ofSeconds(5), "kill", "-0", pid).exit(), c -> c != 0);

        // while the kubelet is down: one graceful deletion (waits for the kubelet) and one forced one (gone at once)
        kubectl("-n", NS, "delete", "pod", GRACEFUL, "--wait=false").ok();
        kubectl("-n", NS, "delete", "pod", FORCED, "--grace-period=0", "--force").ok();
        assertEquals(2, runtimeObjects(uids.get(GRACEFUL)).size(), "nothing may clean up without the kubelet");

        // as the cluster was brought up: `up` without --store=etcd would replace a running etcd by the kybernetes store
        Path kind = Path.of("/run/kybernetes/store.kind");
        String store = Files.exists(kind) ? Files.readString(kind).trim() : "kybernetes";
        Cli.Result up = Cli.run(Duration.ofSeconds(600), "bash", SCRIPT.toString(), "up", "--store=" + store);
        assertEquals(0, up.exit(), up.out() + up.err());
        assertTrue(up.out().contains("kubelet started"), up.out());
        for (String other : new String[] {"store", "apiserver", "controllers", "scheduler", "proxy"}) {
            assertTrue(up.out().contains(other + " already running"), "up restarts only what is not running: " + up.out());
        }
        assertNotEquals(pid, Files.readString(PID_FILE).trim());

        // the deleted pods: gone from the API and from the runtime
        eventually(Duration.ofSeconds(90), () -> kubectl("-n", NS, "get", "pod", GRACEFUL, "--ignore-not-found", "-o", "name")
                .ok().out(), String::isBlank);
        for (String gone : new String[] {GRACEFUL, FORCED}) {
            eventually(Duration.ofSeconds(120), () -> runtimeObjects(uids.get(gone)), Set::isEmpty);
        }

        // every other pod: same sandbox and container, same process, same status
        Thread.sleep(15_000); // a relist, housekeeping and a few probe periods after the restart
        Map<String, JsonNode> after = byName(pods());
        assertEquals(PODS - 2, after.size(), after.keySet().toString());
        Map<String, String> tasksAfter = tasks();
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            String name = e.getKey();
            JsonNode was = before.get(name).path("status").path("containerStatuses").get(0);
            JsonNode now = e.getValue().path("status").path("containerStatuses").get(0);
            assertEquals(was.path("containerID").asText(), now.path("containerID").asText(), name);
            assertEquals(was.path("restartCount").asInt(), now.path("restartCount").asInt(), name);
            assertEquals(was.path("state").path("running").path("startedAt").asText(),
                    now.path("state").path("running").path("startedAt").asText(), name);
            assertTrue(now.path("ready").asBoolean(), name + ": " + now);
            assertEquals("Running", e.getValue().path("status").path("phase").asText(), name);
            assertEquals(runtimeBefore.get(name), runtimeObjects(uids.get(name)), name + ": sandbox and container kept");
            String id = stripScheme(now.path("containerID").asText());
            assertEquals(tasksBefore.get(id), tasksAfter.get(id), name + ": the same process (pid) runs");
        }
        assertEquals(PODS - 2, readyCount(pods()));
    }

    private static JsonNode pods() {
        try {
            return JSON.readTree(kubectl("-n", NS, "get", "pods", "-o", "json").ok().out()).path("items");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, JsonNode> byName(JsonNode items) {
        Map<String, JsonNode> m = new TreeMap<>();
        items.forEach(p -> m.put(p.path("metadata").path("name").asText(), p));
        return m;
    }

    private static int readyCount(JsonNode items) {
        int n = 0;
        for (JsonNode p : items) {
            for (JsonNode c : p.path("status").path("conditions")) {
                if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** IDs of the containerd containers (sandbox and app containers) labelled with the pod's uid. */
    private static Set<String> runtimeObjects(String uid) {
        String out = Cli.ctr("containers", "ls", "-q", "labels.\"io.kubernetes.pod.uid\"==" + uid).ok().out();
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** Running tasks: container id to pid. */
    private static Map<String, String> tasks() {
        Map<String, String> m = new TreeMap<>();
        Cli.ctr("tasks", "ls").ok().out().lines().skip(1).forEach(l -> {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 3 && "RUNNING".equals(f[2])) {
                m.put(f[0], f[1]);
            }
        });
        return m;
    }

    private static String stripScheme(String id) {
        int i = id.indexOf("://");
        return i < 0 ? id : id.substring(i + 3);
    }
}
