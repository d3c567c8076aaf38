package io.kybernetes.kubelet.certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.Issued;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code --rotate-server-certificates}: the HTTPS port starts with the serving store's placeholder and, after a new
 * pair is stored and {@link KubeletCertificates#reloadServing} runs, presents the new certificate on the next
 * handshake, without a restart. Scratch files in /tmp/kubelet-it-serving-*.
 */
@QuarkusTest
@QuarkusTestResource(value = ServingReloadTest.Files.class, restrictToAnnotatedClass = true)
class ServingReloadTest {

    public static class Files implements QuarkusTestResourceLifecycleManager {
        static Path dir;
        static int port;

        @Override
        public Map<String, String> start() {
            try {
                dir = java.nio.file.Files.createTempDirectory(Path.of("/tmp"), "kubelet-it-serving-");
                ServingPlaceholder.ensure(dir, "reload-it");
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("kybernetes.rotate-server-certificates", "true", "kybernetes.cert-dir", dir.toString(),
                    "quarkus.http.host", "127.0.0.1", "quarkus.http.port", Integer.toString(port),
                    "quarkus.http.test-ssl-port", Integer.toString(port));
        }

        @Override
        public void stop() {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }

    @Inject
    KubeletCertificates certificates;

    static X509Certificate presented() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        X509Certificate[][] seen = new X509Certificate[1][];
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", Files.port)) {
            s.startHandshake();
        }
        return seen[0][0];
    }

    @Test
    void newServingCertificateWithoutRestart() throws Exception {
        X509Certificate first = presented();
        assertFalse(ServingPlaceholder.issued(first), "starts with the self-signed placeholder");

        CertificateAuthority ca = CertificateAuthority.create("test-ca", Clock.systemUTC());
        Issued issued = ca.issue(CertSpec.server("system:node:reload-it", List.of("reload-it", "127.0.0.1")),
                Clock.systemUTC());
        new CertificateStore(Files.dir, "server", Clock.systemUTC()).update(List.of(issued.cert()), issued.key());
        certificates.reloadServing();

        X509Certificate second = presented();
        assertTrue(ServingPlaceholder.issued(second));
        assertEquals(issued.cert(), second);
    }
}
