package io.kybernetes.apiserver.openapi;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real etcd 3.4 on free loopback ports in a scratch directory (/tmp/apiserver-codec-it-*), removed afterwards; the
 * apiserver under test gets it as --etcd-servers and listens on a random port.
 */
public class ScratchEtcd implements QuarkusTestResourceLifecycleManager {

    private Process etcd;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-codec-it-");
            int client = freePort();
            int peer = freePort();
            String clientUrl = "http://127.0.0.1:" + client;
            String peerUrl = "http://127.0.0.1:" + peer;
            etcd = new ProcessBuilder("etcd", "--name", "codec-it", "--data-dir", dir.resolve("etcd").toString(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", "codec-it=" + peerUrl)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
            long deadline = System.currentTimeMillis() + 20_000;
            while (!listening(client)) {
                if (System.currentTimeMillis() > deadline || !etcd.isAlive()) {
                    throw new IllegalStateException("etcd did not start; see " + dir.resolve("etcd.log"));
                }
                Thread.sleep(100);
            }
            return Map.of("kybernetes.etcd-servers", clientUrl, "quarkus.http.test-port", "0");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start etcd (is etcd 3.4 installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        delete(dir);
    }

    static void delete(Path path) {
        if (path == null) {
            return;
        }
        try (var files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // best effort
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
