package io.kybernetes.kubelet.server;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kybernetes.kubelet.CriFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A secured control plane for the kubelet's TLS test, all on loopback in /tmp/kubelet-it-tls*: a CA and
 * certificates (BouncyCastle), a real etcd, the kybernetes apiserver from its built jar (HTTPS, client
 * certificates, ServiceAccount token signing, --authorization-mode=Node,RBAC, the kubelet client certificate and
 * CA), and a private containerd (cri-fixture.sh with its own registry port, bridge and subnet, so it may run beside
 * the other kubelet integration tests). The kubelet under test (this Quarkus app) gets HTTPS, client-CA, token
 * webhook, Webhook authorization and anonymous requests off.
 */
public class SecureClusterResource implements QuarkusTestResourceLifecycleManager {

    static final Path JAR = Path.of("../apiserver/target/quarkus-app/quarkus-run.jar");
    static final Path FIXTURE_DIR = Path.of("/tmp/kubelet-it-tls");
    static final Map<String, String> FIXTURE_ENV = Map.of("KUBELET_IT_REGISTRY", "127.0.0.1:5057",
            "KUBELET_IT_BRIDGE", "kybt1", "KUBELET_IT_SUBNET", "10.246.0");
    static final String NODE = "kubelet-tls-it";

    static Path pki;
    static int apiPort;
    static int kubeletPort;
    static boolean available;
    private Process etcd;
    private Process apiserver;

    static boolean canRun() {
        return CriFixture.available() && Files.isRegularFile(JAR) && Files.isExecutable(Path.of("/usr/bin/etcd"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> p = new HashMap<>();
        available = canRun();
        if (!available) {
            return p; // the test class skips itself
        }
        try {
            fixture("up");
            pki = Files.createTempDirectory(Path.of("/tmp"), "kubelet-it-tls-pki-");
            TestPki.Issued ca = TestPki.ca("kubelet-it-ca");
            TestPki.write(pki.resolve("ca.crt"), ca.cert());
            issue(ca, "apiserver", "CN=kube-apiserver", "127.0.0.1");
            issue(ca, "kubelet", "CN=" + NODE, "127.0.0.1");
            issue(ca, "admin", "O=system:masters,CN=it-admin", null);
            issue(ca, "apiserver-kubelet-client", "CN=kube-apiserver-kubelet-client", null);
            issue(ca, "jane", "O=dev,CN=jane", null);
            TestPki.Issued other = TestPki.ca("kubelet-it-ca");
            TestPki.Issued evil = TestPki.issue(other, "O=system:masters,CN=it-admin", null, 1);
            TestPki.write(pki.resolve("evil.crt"), evil.cert());
            TestPki.write(pki.resolve("evil.key"), evil.keys().getPrivate());
            TestPki.write(pki.resolve("sa.key"), TestPki.rsa());

            int etcdClient = freePort();
            int etcdPeer = freePort();
            apiPort = freePort();
            kubeletPort = freePort();
            etcd = start(List.of("/usr/bin/etcd", "--name", "it", "--data-dir", pki.resolve("etcd").toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + etcdClient,
                    "--advertise-client-urls", "http://127.0.0.1:" + etcdClient,
                    "--listen-peer-urls", "http://127.0.0.1:" + etcdPeer,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeer,
                    "--initial-cluster", "it=http://127.0.0.1:" + etcdPeer), "etcd.log");
            apiserver = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    JAR.toAbsolutePath().toString(), "--etcd-servers=http://127.0.0.1:" + etcdClient,
                    "--bind-address=127.0.0.1", "--secure-port=" + apiPort,
                    "--tls-cert-file=" + pki.resolve("apiserver.crt"),
                    "--tls-private-key-file=" + pki.resolve("apiserver.key"),
                    "--client-ca-file=" + pki.resolve("ca.crt"),
                    "--service-account-key-file=" + pki.resolve("sa.key"),
                    "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                    "--authorization-mode=Node,RBAC",
                    "--kubelet-client-certificate=" + pki.resolve("apiserver-kubelet-client.crt"),
                    "--kubelet-client-key=" + pki.resolve("apiserver-kubelet-client.key"),
                    "--kubelet-certificate-authority=" + pki.resolve("ca.crt")), "apiserver.log");
            Files.writeString(pki.resolve("admin.conf"), kubeconfig("admin"));
            awaitApiserver();
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("secure cluster did not start: " + e.getMessage(), e);
        }
        p.put("kybernetes.agent-enabled", "true");
        p.put("kybernetes.kubeconfig", pki.resolve("admin.conf").toString());
        p.put("kybernetes.container-runtime-endpoint", "unix://" + FIXTURE_DIR.resolve("containerd.sock"));
        p.put("kybernetes.hostname-override", NODE);
        p.put("kybernetes.node-ip", "127.0.0.1");
        p.put("kybernetes.pod-cidr", "10.246.0.0/24");
        p.put("kybernetes.root-dir", FIXTURE_DIR.resolve("kubelet").toString());
        p.put("kybernetes.pod-log-dir", FIXTURE_DIR.resolve("pods").toString());
        p.put("kybernetes.pod-manifest-path", "");
        p.put("kybernetes.tls-cert-file", pki.resolve("kubelet.crt").toString());
        p.put("kybernetes.tls-private-key-file", pki.resolve("kubelet.key").toString());
        p.put("kybernetes.client-ca-file", pki.resolve("ca.crt").toString());
        p.put("kybernetes.anonymous-auth", "false");
        p.put("kybernetes.authentication-token-webhook", "true");
        p.put("kybernetes.authorization-mode", "Webhook");
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.http.port", Integer.toString(kubeletPort));
        p.put("quarkus.http.test-ssl-port", Integer.toString(kubeletPort));
        return p;
    }

    private static void issue(TestPki.Issued ca, String name, String subject, String ip) throws Exception {
        TestPki.Issued c = TestPki.issue(ca, subject, ip, 1);
        TestPki.write(pki.resolve(name + ".crt"), c.cert());
        TestPki.write(pki.resolve(name + ".key"), c.keys().getPrivate());
    }

    static String kubeconfig(String user) {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: it\n  cluster:\n    server: https://127.0.0.1:" + apiPort
                + "\n    certificate-authority: " + pki.resolve("ca.crt") + "\nusers:\n- name: " + user
                + "\n  user:\n    client-certificate: " + pki.resolve(user + ".crt") + "\n    client-key: "
                + pki.resolve(user + ".key") + "\ncontexts:\n- name: it\n  context:\n    cluster: it\n    user: " + user
                + "\ncurrent-context: it\n";
    }

    static KubernetesClient adminClient() throws IOException {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(
                Files.readString(pki.resolve("admin.conf")))).build();
    }

    private void awaitApiserver() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (KubernetesClient c = adminClient()) {
            while (System.nanoTime() < deadline) {
                if (!apiserver.isAlive() || !etcd.isAlive()) {
                    throw new IllegalStateException("apiserver or etcd exited; logs in " + pki);
                }
                try {
                    if (c.namespaces().withName("default").get() != null) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // not serving yet
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("apiserver not ready after 120 s; logs in " + pki);
    }

    private Process start(List<String> cmd, String log) throws IOException {
        File out = pki.resolve(log).toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
    }

    static void fixture(String cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", CriFixture.SCRIPT, cmd, FIXTURE_DIR.toString())
                .redirectErrorStream(true);
        pb.environment().putAll(FIXTURE_ENV);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cri-fixture.sh " + cmd + " failed:\n" + out);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void stop() {
        for (Process p : new Process[] {apiserver, etcd}) {
            if (p == null) {
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (available) {
            try {
                fixture("down");
            } catch (IOException | InterruptedException | IllegalStateException e) {
                System.err.println("cri-fixture down: " + e.getMessage());
            }
        }
        if (pki != null && !Boolean.getBoolean("kubelet.it.keep")) {
            try (var files = Files.walk(pki)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
