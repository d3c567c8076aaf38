package io.kybernetes.apiserver.it;

import java.io.File;
import java.io.IOException;
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

import io.kybernetes.apiserver.authentication.TestPki;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A store serving the etcd API over TLS with required client certificates, on free ports in /tmp/apiserver-it-etcdtls-*:
 * a CA, the server's certificate (127.0.0.1), the apiserver's client certificate, and one of another CA. The
 * apiserver gets {@code --etcd-servers=https://...}, {@code --etcd-cafile}, {@code --etcd-certfile},
 * {@code --etcd-keyfile}. {@link Etcd} starts a real etcd 3.4, {@link Store} our store's packaged jar.
 */
public abstract class TlsStoreResource implements QuarkusTestResourceLifecycleManager {

    static Path dir;
    static String endpoint;
    private Process process;

    /** The server's command line, serving {@code clientUrl} and plain HTTP health on {@code metricsUrl}. */
    abstract List<String> command(String clientUrl, String metricsUrl, Path data);

    /** The health path on the metrics URL. */
    abstract String healthPath();

    /** Real etcd 3.4 with etcd's TLS flags. */
    public static class Etcd extends TlsStoreResource {
        @Override
        List<String> command(String clientUrl, String metricsUrl, Path data) {
            String peer;
            try {
                peer = "http://127.0.0.1:" + EtcdResource.freePort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new ArrayList<>(List.of("etcd", "--name", "it", "--data-dir", data.toString(),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "it=" + peer));
        }

        @Override
        String healthPath() {
            return "/health";
        }
    }

    /** Our store (store/target/quarkus-app/quarkus-run.jar, or -Dstore.jar) with the same flags. */
    public static class Store extends TlsStoreResource {
        /** Whether the store's jar is built (mvn -pl store package; the reactor builds the store first). */
        public static boolean built() {
            return Files.isRegularFile(jar());
        }

        static Path jar() {
            return Path.of(System.getProperty("store.jar", "../store/target/quarkus-app/quarkus-run.jar"));
        }

        @Override
        List<String> command(String clientUrl, String metricsUrl, Path data) {
            return new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-jar",
                    jar().toString(), "--data-dir", data.toString()));
        }

        @Override
        String healthPath() {
            return "/readyz";
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-etcdtls-");
            TestPki.Issued ca = TestPki.ca("etcd-ca");
            TestPki.write(dir.resolve("ca.crt"), ca.cert());
            TestPki.Issued server = TestPki.issue(ca, "CN=etcd-server", "127.0.0.1", 2);
            TestPki.write(dir.resolve("server.crt"), server.cert());
            TestPki.write(dir.resolve("server.key"), server.keys().getPrivate());
            TestPki.Issued client = TestPki.issue(ca, "CN=kube-apiserver-etcd-client", null, 2);
            TestPki.write(dir.resolve("client.crt"), client.cert());
            TestPki.write(dir.resolve("client.key"), client.keys().getPrivate());
            TestPki.Issued other = TestPki.issue(TestPki.ca("etcd-ca"), "CN=kube-apiserver-etcd-client", null, 2);
            TestPki.write(dir.resolve("foreign.crt"), other.cert());
            TestPki.write(dir.resolve("foreign.key"), other.keys().getPrivate());

            endpoint = "https://127.0.0.1:" + EtcdResource.freePort();
            String metrics = "http://127.0.0.1:" + EtcdResource.freePort();
            List<String> cmd = command(endpoint, metrics, dir.resolve("data"));
            cmd.addAll(List.of("--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                    "--listen-metrics-urls", metrics, "--cert-file", dir.resolve("server.crt").toString(),
                    "--key-file", dir.resolve("server.key").toString(),
                    "--trusted-ca-file", dir.resolve("ca.crt").toString(), "--client-cert-auth"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
            waitHealthy(metrics + healthPath());
        } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("kybernetes.etcd-servers", endpoint,
                "kybernetes.etcd-cafile", dir.resolve("ca.crt").toString(),
                "kybernetes.etcd-certfile", dir.resolve("client.crt").toString(),
                "kybernetes.etcd-keyfile", dir.resolve("client.key").toString());
    }

    private void waitHealthy(String url) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                throw new IllegalStateException(getClass().getSimpleName() + " did not start: "
                        + Files.readString(dir.resolve("server.log")));
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
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
