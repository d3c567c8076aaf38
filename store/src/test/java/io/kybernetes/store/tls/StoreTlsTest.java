package io.kybernetes.store.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.kybernetes.store.it.Etcdctl;
import io.kybernetes.store.tls.TestCerts.KeyFormat;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The store with an https:// client URL and client-certificate authentication (etcd's --cert-file, --key-file,
 * --trusted-ca-file, --client-cert-auth; an EC key in SEC1 PEM), driven by the real etcdctl 3.4: with the cluster
 * CA's client certificate everything works; without a certificate, with one of another CA, without trusting the
 * server or in plaintext the connection is refused.
 */
@QuarkusTest
@TestProfile(StoreTlsTest.Tls.class)
class StoreTlsTest {

    static volatile TestCerts pki;

    /** A profile of its own: the store restarts with the TLS flags. */
    public static class Tls implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Pki.class));
        }
    }

    /** Makes the PKI under /tmp/store-it-tls-* and passes the flags' properties; removes it afterwards. */
    public static class Pki implements QuarkusTestResourceLifecycleManager {
        private Path dir;

        @Override
        public Map<String, String> start() {
            try {
                dir = Files.createTempDirectory(Path.of("/tmp"), "store-it-tls-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pki = new TestCerts(dir).ca("ca").issue("ca", "server", KeyFormat.EC_SEC1)
                    .issue("ca", "client", KeyFormat.RSA_PKCS1).ca("other-ca").issue("other-ca", "foreign", KeyFormat.RSA_PKCS8);
            return Map.of(
                    "kybernetes.listen-client-urls", "https://127.0.0.1:" + freePort(),
                    "kybernetes.cert-file", pki.path("server.crt").toString(),
                    "kybernetes.key-file", pki.path("server.key").toString(),
                    "kybernetes.trusted-ca-file", pki.path("ca.crt").toString(),
                    "kybernetes.client-cert-auth", "true");
        }

        @Override
        public void stop() {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the store listens on in tests (quarkus.grpc.server.test-port). */
    private static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    private static Etcdctl etcdctl() {
        return new Etcdctl("https://127.0.0.1:" + port());
    }

    private static String[] with(List<String> tls, String... args) {
        List<String> all = new ArrayList<>(tls);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static List<String> clientCert() {
        return List.of("--cacert=" + pki.path("ca.crt"), "--cert=" + pki.path("client.crt"),
                "--key=" + pki.path("client.key"));
    }

    @Test
    void keysAreInTheEncodingsUnderTest() {
        assertEquals("EC PRIVATE KEY", pki.pemLabel("server.key"));
        assertEquals("RSA PRIVATE KEY", pki.pemLabel("client.key"));
    }

    @Test
    void etcdctlWithTheClusterCasClientCertificateWorks() throws Exception {
        Etcdctl e = etcdctl();
        List<String> tls = clientCert();
        assertEquals("OK\n", e.ok(with(tls, "put", "/tls/a", "1")));
        assertEquals("/tls/a\n1\n", e.ok(with(tls, "get", "/tls/a")));
        assertTrue(e.ok(with(tls, "endpoint", "health")).contains("is healthy"));
        assertTrue(e.ok(with(tls, "endpoint", "status", "-w", "json")).contains("\"revision\""));

        Matcher lease = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(60s\\)")
                .matcher(e.ok(with(tls, "lease", "grant", "60")));
        assertTrue(lease.find());
        e.ok(with(tls, "put", "--lease=" + lease.group(1), "/tls/leased", "x"));
        assertTrue(e.ok(with(tls, "lease", "keep-alive", "--once", lease.group(1))).contains("keepalived with TTL(60)"));
        assertTrue(e.ok(with(tls, "lease", "timetolive", "--keys", lease.group(1))).contains("/tls/leased"));
        e.ok(with(tls, "lease", "revoke", lease.group(1)));
        assertEquals("", e.ok(with(tls, "get", "/tls/leased")));

        try (Etcdctl.Running watch = e.start(with(tls, "watch", "--prefix", "/tls/w/"))) {
            Thread.sleep(500); // let the watch be created before the put
            e.ok(with(tls, "put", "/tls/w/k", "v"));
            assertEquals(List.of("PUT", "/tls/w/k", "v"), watch.take(3));
        }
    }

    static void assertRefused(Etcdctl.Result r) {
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("context deadline exceeded") || r.out().contains("certificate")
                || r.out().contains("connection"), r.out());
    }

    @Test
    void withoutAClientCertificateTheHandshakeFails() {
        assertRefused(etcdctl().run("--cacert=" + pki.path("ca.crt"), "put", "/tls/x", "1"));
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() {
        assertRefused(etcdctl().run("--cacert=" + pki.path("ca.crt"), "--cert=" + pki.path("foreign.crt"),
                "--key=" + pki.path("foreign.key"), "put", "/tls/x", "1"));
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaFails() {
        assertRefused(etcdctl().run("--cacert=" + pki.path("other-ca.crt"), "--cert=" + pki.path("client.crt"),
                "--key=" + pki.path("client.key"), "put", "/tls/x", "1"));
    }

    @Test
    void plaintextIsNotServed() {
        assertRefused(new Etcdctl("http://127.0.0.1:" + port()).run("put", "/tls/x", "1"));
    }

    @Test
    void refusedWritesLeftNothing() {
        withoutAClientCertificateTheHandshakeFails();
        aCertificateOfAnotherCaIsRefused();
        assertEquals("", etcdctl().ok(with(clientCert(), "get", "/tls/x")));
    }
}
