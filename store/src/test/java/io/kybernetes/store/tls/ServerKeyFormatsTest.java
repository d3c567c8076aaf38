package io.kybernetes.store.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.kybernetes.store.tls.TestCerts.KeyFormat;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The server TLS settings the store's gRPC server gets (Vert.x PEM key and certificate, PEM trust, client auth
 * required) accept a serving key in every PEM encoding kubeadm or cfssl write, and verify client certificates:
 * checked with curl against a Vert.x server built from the same options.
 */
class ServerKeyFormatsTest {

    static Path dir;
    static TestCerts pki;
    static Vertx vertx;

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "store-it-keyformats-");
        pki = new TestCerts(dir).ca("ca").ca("other-ca").issue("other-ca", "foreign", KeyFormat.RSA_PKCS8);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void serverKeyIsAcceptedAndClientCertificatesAreVerified(KeyFormat format) throws Exception {
        String name = format.name().toLowerCase();
        pki.issue("ca", name, format);
        assertEquals(switch (format) {
            case RSA_PKCS1 -> "RSA PRIVATE KEY";
            case EC_SEC1 -> "EC PRIVATE KEY";
            default -> "PRIVATE KEY";
        }, pki.pemLabel(name + ".key"));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.path(name + ".crt").toString())
                        .setKeyPath(pki.path(name + ".key").toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.path("ca.crt").toString()))
                .setClientAuth(ClientAuth.REQUIRED))
                .requestHandler(r -> r.response().end("hello " + name))
                .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            String url = "https://127.0.0.1:" + server.actualPort() + "/";
            // the same certificate serves as a client certificate (extendedKeyUsage serverAuth, clientAuth)
            Curl ok = curl(url, "--cacert", pki.path("ca.crt").toString(), "--cert", pki.path(name + ".crt").toString(),
                    "--key", pki.path(name + ".key").toString());
            assertEquals(0, ok.exit(), ok.out());
            assertEquals("hello " + name, ok.out());
            assertNotEquals(0, curl(url, "--cacert", pki.path("ca.crt").toString()).exit(), "no client certificate");
            assertNotEquals(0, curl(url, "--cacert", pki.path("ca.crt").toString(), "--cert",
                    pki.path("foreign.crt").toString(), "--key", pki.path("foreign.key").toString()).exit(),
                    "a certificate of another CA");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    record Curl(int exit, String out) {
    }

    static Curl curl(String url, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", url));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return new Curl(p.exitValue(), out);
    }
}
