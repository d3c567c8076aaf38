package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 7, Done-when 2: streams through the apiserver, the kubelet and containerd, driven by the real kubectl
 * (1.32, which speaks WebSocket v5 for exec/attach and tunnels SPDY through a WebSocket for port-forward), plus
 * kubectl 1.27 for the SPDY/3.1 POST upgrade: exec (output, stdin, exit code, -c), exec -it under a real terminal
 * (tmux) with a resize, attach, cp both ways, and port-forward to a pod, a Service and a Deployment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("node")
class StreamingTest {

    private static final String NS = "streaming";
    private static final String OLD_KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final String TMUX = "e2e-streaming-" + ProcessHandle.current().pid();
    private static Path dir;

    private static final String PODS = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              containers:
              - {name: nginx, image: nginx, ports: [{containerPort: 80}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: two}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: a, image: busybox, command: [sh, -c, 'echo I am a > /tmp/id; exec sleep 3600']}
              - {name: b, image: busybox, command: [sh, -c, 'echo I am b > /tmp/id; exec sleep 3600']}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ticker}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: t, image: busybox, command: [sh, -c, 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done']}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: reader}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: r, image: busybox, stdin: true, command: [sh, -c, 'while read x; do echo got-$x; done; sleep 3600']}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}, ports: [{port: 8080, targetPort: 80}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: dweb}
            spec:
              replicas: 1
              selector: {matchLabels: {app: dweb}}
              template:
                metadata: {labels: {app: dweb}}
                spec:
                  containers:
                  - {name: nginx, image: nginx}
            """;

    @BeforeAll
    static void createPods() throws IOException {
        dir = Files.createTempDirectory("e2e-streaming");
        kubectl("create", "namespace", NS).ok();
        Path manifest = dir.resolve("pods.yaml");
        Files.writeString(manifest, PODS);
        k("apply", "-f", manifest.toString()).ok();
        Cli.kubectl(Duration.ofSeconds(150), "-n", NS, "wait", "--for=condition=Ready", "pod/web", "pod/two",
                "pod/ticker", "pod/reader", "--timeout=140s").ok();
        Cli.kubectl(Duration.ofSeconds(100), "-n", NS, "rollout", "status", "deployment/dweb", "--timeout=90s").ok();
    }

    @AfterAll
    static void cleanUp() {
        Cli.run(Duration.ofSeconds(10), "tmux", "kill-session", "-t", TMUX);
        kubectl(Duration.ofSeconds(90), "delete", "namespace", NS, "--timeout=80s");
    }

    private static Cli.Result k(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-n";
        all[1] = NS;
        System.arraycopy(args, 0, all, 2, args.length);
        return kubectl(all);
    }

    /** A shell pipeline around kubectl (for stdin or a time limit); kubectl 1.27 only where this image has it. */
    private static Cli.Result sh(String script) {
        if (script.contains(OLD_KUBECTL)) {
            assumeTrue(Files.isExecutable(Path.of(OLD_KUBECTL)), "no " + OLD_KUBECTL);
        }
        return Cli.run(Duration.ofSeconds(40), "sh", "-c", "export KUBECONFIG=" + Cli.KUBECONFIG + "; " + script);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"kubectl", OLD_KUBECTL})
    @Order(1)
    void execPrintsTheCommandsOutput(String client) {
        Cli.Result r = sh(client + " -n " + NS + " exec web -- cat /etc/hostname");
        assertEquals(0, r.exit(), r.err());
        assertEquals("web\n", r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"kubectl", OLD_KUBECTL})
    @Order(2)
    void execPropagatesTheExitCode(String client) {
        Cli.Result r = sh(client + " -n " + NS + " exec web -- sh -c 'echo out; echo err >&2; exit 3'");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertEquals("out\n", r.out());
        assertTrue(r.err().contains("err\n"), r.err());
        assertTrue(r.err().contains("command terminated with exit code 3"), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"kubectl", OLD_KUBECTL})
    @Order(3)
    void execFeedsStdinAndEndsWithIt(String client) {
        Cli.Result r = sh("printf 'echo from-stdin\\necho $((6*7))\\n' | " + client + " -n " + NS + " exec -i web -- sh");
        assertEquals(0, r.exit(), r.err());
        assertEquals("from-stdin\n42\n", r.out());
    }

    @Test
    @Order(4)
    void execPicksTheContainer() {
        assertEquals("I am a\n", k("exec", "two", "-c", "a", "--", "cat", "/tmp/id").ok().out());
        assertEquals("I am b\n", k("exec", "two", "-c", "b", "--", "cat", "/tmp/id").ok().out());
        Cli.Result bad = k("exec", "two", "-c", "zz", "--", "true");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.err().contains("container zz is not valid for pod two"), bad.err());
        Cli.Result none = k("exec", "nope", "--", "true");
        assertNotEquals(0, none.exit());
        assertTrue(none.err().contains("pods \"nope\" not found"), none.err());
    }

    @Test
    @Order(5)
    void execInteractiveShellUnderARealTerminal() {
        Cli.run(Duration.ofSeconds(10), "tmux", "new", "-d", "-s", TMUX, "-x", "120", "-y", "30",
                "kubectl --kubeconfig " + Cli.KUBECONFIG + " -n " + NS + " exec -it web -- sh").ok();
        eventually(Duration.ofSeconds(20), StreamingTest::pane, p -> p.contains("#"));
        tmux("send-keys", "-t", TMUX, "echo $((6*7)); tty", "Enter");
        String pane = eventually(Duration.ofSeconds(10), StreamingTest::pane, p -> p.contains("/dev/pts/"));
        assertTrue(pane.lines().anyMatch(l -> l.equals("42")), pane);
        tmux("resize-window", "-t", TMUX, "-x", "100", "-y", "25");
        tmux("send-keys", "-t", TMUX, "stty size", "Enter");
        pane = eventually(Duration.ofSeconds(10), StreamingTest::pane, p -> p.lines().anyMatch(l -> l.equals("25 100")));
        tmux("send-keys", "-t", TMUX, "exit", "Enter");
        eventually(Duration.ofSeconds(10), () -> Cli.run(Duration.ofSeconds(5), "tmux", "has-session", "-t", TMUX).exit(),
                code -> code != 0);
    }

    private static String pane() {
        return Cli.run(Duration.ofSeconds(5), "tmux", "capture-pane", "-p", "-t", TMUX).out();
    }

    private static void tmux(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "tmux";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.run(Duration.ofSeconds(5), all).ok();
    }

    @Test
    @Order(6)
    void attachStreamsTheRunningContainersOutput() {
        Cli.Result r = sh("timeout 4 kubectl -n " + NS + " attach ticker");
        assertEquals(124, r.exit(), "attach follows until interrupted: " + r.err());
        assertTrue(r.out().matches("(?s).*tick-\\d+\n.*tick-\\d+\n.*"), r.out());
    }

    @Test
    @Order(7)
    void attachFeedsTheContainersStdin() {
        sh("echo hello | timeout 8 kubectl -n " + NS + " attach -i reader");
        eventually(Duration.ofSeconds(10), () -> k("logs", "reader").out(), l -> l.contains("got-hello"));
    }

    @Test
    @Order(8)
    void cpCopiesIntoAndOutOfAPod() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "copied in\n".repeat(5000));
        k("cp", in.toString(), "two:/tmp/in.txt", "-c", "a").ok();
        assertEquals("5000 50000 /tmp/in.txt\n", k("exec", "two", "-c", "a", "--", "wc", "-lc", "/tmp/in.txt")
                .ok().out().replaceAll(" +", " ").trim() + "\n");
        Path out = dir.resolve("out.txt");
        k("cp", "two:/tmp/id", out.toString(), "-c", "b").ok();
        assertEquals("I am b\n", Files.readString(out));
        Path back = dir.resolve("back.txt");
        k("cp", "two:/tmp/in.txt", back.toString(), "-c", "a").ok();
        assertEquals(Files.readString(in), Files.readString(back));
    }

    @Test
    @Order(8)
    void cpCarriesALargeBinaryFileBothWays() throws Exception {
        byte[] data = new byte[6 * 1024 * 1024];
        new java.util.Random(7).nextBytes(data);
        Path big = dir.resolve("big.bin");
        Files.write(big, data);
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
        Cli.kubectl(Duration.ofSeconds(90), "-n", NS, "cp", big.toString(), "two:/tmp/big.bin", "-c", "a").ok();
        assertEquals(md5, k("exec", "two", "-c", "a", "--", "md5sum", "/tmp/big.bin").ok().out().split(" ")[0]);
        Path back = dir.resolve("big-back.bin");
        Cli.kubectl(Duration.ofSeconds(90), "-n", NS, "cp", "two:/tmp/big.bin", back.toString(), "-c", "a").ok();
        assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(back)), "the copy back differs");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "kubectl      | pod/web     | 28080:80",
        "kubectl      | svc/web     | 28081:8080",
        "kubectl      | deploy/dweb | 28082:80",
        OLD_KUBECTL + "| pod/web     | 28083:80",
    })
    @Order(9)
    void portForwardServesNginx(String client, String target, String ports) throws Exception {
        if (client.equals(OLD_KUBECTL)) {
            assumeTrue(Files.isExecutable(Path.of(OLD_KUBECTL)), "no " + OLD_KUBECTL);
        }
        int local = Integer.parseInt(ports.split(":")[0]);
        Path log = dir.resolve("pf-" + local + ".log");
        Process pf = new ProcessBuilder(client, "--kubeconfig", Cli.KUBECONFIG, "-n", NS, "port-forward", target, ports)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String body = eventually(Duration.ofSeconds(20), () -> get("http://127.0.0.1:" + local + "/"),
                    b -> b.contains("Welcome to nginx"));
            assertTrue(body.contains("Welcome to nginx"), body);
            // a second connection through the same forward
            assertTrue(get("http://127.0.0.1:" + local + "/").contains("Welcome to nginx"));
        } finally {
            pf.destroy();
            pf.waitFor();
        }
    }

    private static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
