package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;

/**
 * Issue 8, Done-when 1 (node failure): two hollow kubelet processes join the cluster, one with the node
 * {@code e2e-fail-0}, one with three spare nodes. A Deployment of three replicas (one per node, preferring
 * e2e-fail-0, tolerating unreachable for 5 s) gets a pod there; the process of e2e-fail-0 is then killed, as a
 * machine would die. Its Lease stops: after the 40 s grace period the node lifecycle controller marks it
 * NotReady (Ready=Unknown) with the {@code node.kubernetes.io/unreachable:NoExecute} taint, evicts the pod once its
 * toleration runs out, and the ReplicaSet recreates it on the free spare node. Everything is removed afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("node")
class NodeFailureTest {

    private static final Path KUBELET_JAR = Path.of(System.getProperty("e2e.kubelet-jar",
            "../kubelet/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    private static final String FAILING = "e2e-fail-0";
    private static final List<String> SPARES = List.of("e2e-spare-0", "e2e-spare-1", "e2e-spare-2");
    private static final String NS = "e2e-node-failure";
    private static final List<Process> HOLLOW = new ArrayList<>();
    private static final List<Path> DIRS = new ArrayList<>();
    private static Process failing;
    private static String evicted;

    @BeforeAll
    static void startHollowNodes() throws IOException {
        assertTrue(Files.isReadable(KUBELET_JAR), "the kubelet jar is built by ./kybernetes up: " + KUBELET_JAR);
        failing = hollow("e2e-fail-", 1);
        hollow("e2e-spare-", 3);
        kubectl("create", "namespace", NS).ok();
    }

    private static Process hollow(String prefix, int nodes) throws IOException {
        Path dir = Files.createTempDirectory("e2e-hollow-");
        DIRS.add(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("java", "-Xmx128m", "-XX:+UseSerialGC", "-jar", KUBELET_JAR.toString(),
                "--kubeconfig=" + Cli.KUBECONFIG, "--hollow-nodes=" + nodes, "--hollow-node-prefix=" + prefix,
                "--address=127.0.0.1", "--port=" + port, "--root-dir=" + dir.resolve("root"),
                "--pod-log-dir=" + dir.resolve("pods"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("kubelet.log").toFile()).start();
        HOLLOW.add(p);
        return p;
    }

    @Test
    @Order(1)
    void hollowNodesJoinReady() {
        List<String> all = new ArrayList<>(SPARES);
        all.add(FAILING);
        for (String node : all) {
            eventually(Duration.ofSeconds(120), () -> kubectl("get", "node", node, "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out().trim(), "True"::equals);
        }
        String labels = kubectl("get", "node", FAILING, "--show-labels").ok().out();
        assertTrue(labels.contains("kybernetes.io/hollow-node=true"), labels);
    }

    @Test
    @Order(2)
    void deploymentPutsAPodOnEveryHollowNode() throws IOException {
        Path manifest = Files.createTempFile("e2e-failover", ".yaml");
        Files.writeString(manifest, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: failover
                  namespace: %s
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: failover}
                  template:
                    metadata:
                      labels: {app: failover}
                    spec:
                      containers:
                      - name: pause
                        image: registry.k8s.io/pause:3.9
                      tolerations:
                      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
                      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions:
                              - {key: kybernetes.io/hollow-node, operator: In, values: ["true"]}
                              - {key: kubernetes.io/hostname, operator: In, values: [%s, %s]}
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - weight: 100
                            preference:
                              matchExpressions:
                              - {key: kubernetes.io/hostname, operator: In, values: [%s]}
                        podAntiAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                          - labelSelector:
                              matchLabels: {app: failover}
                            topologyKey: kubernetes.io/hostname
                """.formatted(NS, FAILING, String.join(", ", SPARES), FAILING));
        kubectl("apply", "-f", manifest.toString()).ok();
        Files.deleteIfExists(manifest);
        String out = kubectl(Duration.ofSeconds(150), "-n", NS, "rollout", "status", "deployment/failover",
                "--timeout=120s").ok().out();
        assertTrue(out.contains("successfully rolled out"), out);
        evicted = eventually(Duration.ofSeconds(30), () -> podsOn(FAILING), l -> l.size() == 1).get(0);
    }

    @Test
    @Order(3)
    void aDeadNodeBecomesNotReadyAndTainted() throws InterruptedException {
        failing.destroy();
        assertTrue(failing.waitFor(30, TimeUnit.SECONDS), "the hollow kubelet of " + FAILING + " did not stop");
        // 40 s without a heartbeat, plus the controller's own pace
        String ready = eventually(Duration.ofSeconds(120), () -> kubectl("get", "node", FAILING, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out().trim(), "Unknown"::equals);
        assertEquals("Unknown", ready);
        String row = kubectl("get", "node", FAILING).ok().out();
        assertTrue(row.contains("NotReady"), row);
        String taints = eventually(Duration.ofSeconds(30), () -> kubectl("get", "node", FAILING, "-o",
                "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}").out(),
                t -> t.contains("node.kubernetes.io/unreachable:NoExecute"));
        assertTrue(taints.contains("node.kubernetes.io/unreachable:NoExecute"), taints);
    }

    @Test
    @Order(4)
    void itsPodIsEvictedAndRecreatedOnASpareNode() {
        // the evicted pod is deleted gracefully; with no kubelet to finish the deletion it stays Terminating
        eventually(Duration.ofSeconds(90), () -> kubectl("-n", NS, "get", "pod", evicted, "-o",
                "jsonpath={.metadata.deletionTimestamp}").out().trim(), ts -> !ts.isEmpty());
        // kubectl's JSONPath has no negation: print node:deletionTimestamp and keep the pods not being deleted
        String placement = eventually(Duration.ofSeconds(90), () -> Arrays.stream(kubectl("-n", NS, "get", "pods",
                "-l", "app=failover", "--field-selector=status.phase=Running", "-o",
                "jsonpath={range .items[*]}{.spec.nodeName}:{.metadata.deletionTimestamp} {end}").out().trim()
                .split("\\s+")).filter(e -> e.endsWith(":")).map(e -> e.substring(0, e.length() - 1))
                .collect(java.util.stream.Collectors.joining(" ")),
                s -> Arrays.stream(s.split("\\s+")).filter(SPARES::contains).distinct().count() == 3);
        assertTrue(!placement.contains(FAILING), placement);
        String available = eventually(Duration.ofSeconds(60), () -> kubectl("-n", NS, "get", "deployment",
                "failover", "-o", "jsonpath={.status.availableReplicas}").out().trim(), "3"::equals);
        assertEquals("3", available);
    }

    /** Names of the live (not terminating) pods of the Deployment on {@code node}. */
    private static List<String> podsOn(String node) {
        String out = kubectl("-n", NS, "get", "pods", "-l", "app=failover", "--field-selector=spec.nodeName=" + node,
                "-o", "jsonpath={range .items[*]}{.metadata.name} {end}").out().trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    @AfterAll
    static void cleanUp() throws InterruptedException {
        kubectl(Duration.ofSeconds(120), "delete", "namespace", NS, "--wait=false");
        // pods left Terminating on the dead node: finish their deletion as the pod GC would
        kubectl("-n", NS, "delete", "pods", "--all", "--grace-period=0", "--force");
        for (Process p : HOLLOW) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        List<String> nodes = new ArrayList<>(SPARES);
        nodes.add(FAILING);
        List<String> args = new ArrayList<>(List.of("delete", "node", "--ignore-not-found"));
        args.addAll(nodes);
        kubectl(args.toArray(String[]::new));
        List<String> leases = new ArrayList<>(List.of("-n", "kube-node-lease", "delete", "lease", "--ignore-not-found"));
        leases.addAll(nodes);
        kubectl(leases.toArray(String[]::new));
        eventually(Duration.ofSeconds(120), () -> kubectl("get", "namespace", NS).exit(), code -> code != 0);
        for (Path d : DIRS) {
            Cli.run(Duration.ofSeconds(30), "rm", "-rf", d.toString());
        }
    }
}
