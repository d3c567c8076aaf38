package io.kybernetes.apiserver.it;

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
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real etcd 3.4 on free ports in a scratch directory for the tests, and removes it afterwards. */
public class EtcdResource implements QuarkusTestResourceLifecycleManager {

    static String endpoint;
    private Process etcd;
    private Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-");
            int client = freePort();
            int peer = freePort();
            endpoint = "http://127.0.0.1:" + client;
            String peerUrl = "http://127.0.0.1:" + peer;
            etcd = new ProcessBuilder("etcd", "--name", "it", "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", "it=" + peerUrl)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.currentTimeMillis() + 20_000;
            while (true) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.body().contains("true")) {
                        break;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                if (System.currentTimeMillis() > deadline || !etcd.isAlive()) {
                    throw new IllegalStateException("etcd did not start; see " + dir.resolve("etcd.log"));
                }
                Thread.sleep(100);
            }
            return Map.of("kybernetes.etcd-servers", endpoint);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (etcd != null) {
            etcd.destroy();
            try {
                etcd.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
