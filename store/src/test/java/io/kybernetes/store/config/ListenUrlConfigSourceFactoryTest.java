package io.kybernetes.store.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenUrlConfigSourceFactoryTest {

    static Path dir;
    static String cert;
    static String key;
    static String ca;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "store-it-config-");
        cert = Files.writeString(dir.resolve("server.crt"), "cert").toString();
        key = Files.writeString(dir.resolve("server.key"), "key").toString();
        ca = Files.writeString(dir.resolve("ca.crt"), "ca").toString();
    }

    @AfterAll
    static void cleanup() throws IOException {
        for (String f : new String[] {cert, key, ca}) {
            Files.deleteIfExists(Path.of(f));
        }
        Files.deleteIfExists(dir);
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:2379, true, 127.0.0.1, 2379",
        "'https://127.0.0.1:12379,https://127.0.0.1:22379', true, 127.0.0.1, 12379",
        "http://0.0.0.0:2381, false, 0.0.0.0, 2381"})
    void listenUrlsSetHostAndPort(String url, boolean tlsAllowed, String host, String port) {
        Map<String, String> props = new HashMap<>();
        ListenUrlConfigSourceFactory.map(url, "p", tlsAllowed, props);
        assertEquals(Map.of("p.host", host, "p.port", port), props);
    }

    @ParameterizedTest
    @CsvSource({
        "https://127.0.0.1:2381, false, want http://HOST:PORT",
        "unix:///run/x.sock, true, want http://HOST:PORT or https://HOST:PORT",
        "http://127.0.0.1, true, unsupported listen URL"})
    void badListenUrlsAreRefused(String url, boolean tlsAllowed, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenUrlConfigSourceFactory.map(url, "p", tlsAllowed, new HashMap<>()));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void plaintextUrlIgnoresTheCertificateFlags() {
        assertEquals(Map.of(), ListenUrlConfigSourceFactory.clientTls("http://127.0.0.1:2379", cert, key, ca, true));
        assertEquals(Map.of(), ListenUrlConfigSourceFactory.clientTls(null, null, null, null, false));
    }

    @Test
    void httpsServesTlsOnly() {
        assertEquals(Map.of("quarkus.grpc.server.ssl.certificate", cert, "quarkus.grpc.server.ssl.key", key,
                "quarkus.grpc.server.plain-text", "false"),
                ListenUrlConfigSourceFactory.clientTls("https://127.0.0.1:2379", cert, key, null, false));
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void aTrustedCaRequiresClientCertificatesAsInEtcd(boolean clientCertAuth) {
        Map<String, String> p = ListenUrlConfigSourceFactory.clientTls("https://127.0.0.1:2379", cert, key, ca,
                clientCertAuth);
        assertEquals("REQUIRED", p.get("quarkus.grpc.server.ssl.client-auth"));
    }

    @Test
    void badTlsFlagsAreRefusedWithTheFlagNamed() {
        String url = "https://127.0.0.1:2379";
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ListenUrlConfigSourceFactory.clientTls(url, null, key, ca, false)).getMessage()
                .contains("--cert-file, --key-file"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ListenUrlConfigSourceFactory.clientTls(url, cert, key, null, true)).getMessage()
                .contains("--client-cert-auth needs --trusted-ca-file"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ListenUrlConfigSourceFactory.clientTls(url, cert, dir.resolve("missing.key").toString(), ca,
                        false)).getMessage().contains("--key-file: cannot read"));
    }
}
