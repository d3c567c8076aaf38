package io.kybernetes.controllers.realapi;

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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real etcd plus the kybernetes apiserver (from its built jar) on free loopback ports, in a scratch directory
 * /tmp/controllers-it-*; both processes and the directory are removed on close.
 */
public final class RealApiServer implements AutoCloseable {

    public static final Path JAR = Path.of("../apiserver/target/quarkus-app/quarkus-run.jar");
    public static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Path dir;
    private final Process etcd;
    private final Process apiserver;
    private final int port;

    public static boolean available() {
        return Files.isRegularFile(JAR) && Files.isExecutable(ETCD);
    }

    public RealApiServer() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "controllers-it-");
        int client = freePort();
        int peer = freePort();
        port = freePort();
        etcd = start(List.of(ETCD.toString(), "--name", "it", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client,
                "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "it=http://127.0.0.1:" + peer), "etcd.log");
        apiserver = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString(), "--etcd-servers=http://127.0.0.1:" + client,
                "--secure-port=" + port), "apiserver.log");
        awaitReady();
    }

    private Process start(List<String> cmd, String log) throws IOException {
        File out = dir.resolve(log).toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!apiserver.isAlive() || !etcd.isAlive()) {
                throw new IllegalStateException("apiserver or etcd exited; logs in " + dir);
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
        throw new IllegalStateException("apiserver not ready after 90 s; logs in " + dir);
    }

    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
                .withOnlyHttpWatches(true).withRequestTimeout(60_000).build()).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : List.of(apiserver, etcd)) {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
