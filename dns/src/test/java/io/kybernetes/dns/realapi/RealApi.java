package io.kybernetes.dns.realapi;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real etcd and the kybernetes apiserver (its built jar) on free loopback ports in /tmp/dns-it-realapi-*, and a
 * kubeconfig for them; the DNS server then watches over plain HTTP and discovers EndpointSlices itself
 * ({@code --endpoint-slices auto}). Everything is removed on stop. When the apiserver jar or etcd is missing, the
 * DNS server gets an unreachable API and the test skips itself.
 */
public class RealApi implements QuarkusTestResourceLifecycleManager {

    static final Path JAR = Path.of("../apiserver/target/quarkus-app/quarkus-run.jar");
    static final Path ETCD = Path.of("/usr/bin/etcd");

    static volatile boolean available;
    static volatile int port;
    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "dns-it-realapi-");
            available = Files.isRegularFile(JAR) && Files.isExecutable(ETCD);
            port = freePort();
            if (available) {
                int client = freePort();
                int peer = freePort();
                processes.add(start(List.of(ETCD.toString(), "--name", "dns-it", "--data-dir",
                        dir.resolve("etcd").toString(), "--listen-client-urls", "http://127.0.0.1:" + client,
                        "--advertise-client-urls", "http://127.0.0.1:" + client,
                        "--listen-peer-urls", "http://127.0.0.1:" + peer,
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                        "--initial-cluster", "dns-it=http://127.0.0.1:" + peer), "etcd.log"));
                processes.add(start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar", JAR.toAbsolutePath().toString(), "--etcd-servers=http://127.0.0.1:" + client,
                        "--secure-port=" + port), "apiserver.log"));
                awaitReady();
            }
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: real\n  cluster:\n"
                    + "    server: http://127.0.0.1:" + port + "\ncontexts:\n- name: real\n  context:\n"
                    + "    cluster: real\n    user: admin\ncurrent-context: real\nusers:\n- name: admin\n  user: {}\n");
            return Map.of("kybernetes.kubeconfig", kubeconfig.toString(),
                    "kybernetes.listen", "127.0.0.1:0",
                    "kybernetes.upstream", "127.0.0.1:9",
                    "kybernetes.endpoint-slices", "auto");
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("starting etcd and the apiserver failed; logs in " + dir, e);
        }
    }

    private Process start(List<String> cmd, String log) throws IOException {
        File out = dir.resolve(log).toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (processes.stream().anyMatch(p -> !p.isAlive())) {
                throw new IllegalStateException("apiserver or etcd exited");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/namespaces/default")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("apiserver not ready after 120 s");
    }

    static KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
                .withOnlyHttpWatches(true).withRequestTimeout(60_000).build()).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void stop() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a leftover scratch directory under /tmp is harmless
            }
        }
    }
}
