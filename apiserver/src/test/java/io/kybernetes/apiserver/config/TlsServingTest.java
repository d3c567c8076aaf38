package io.kybernetes.apiserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;


class TlsServingTest {

    @Test
    void noFlagsNoTls() {
        assertEquals(Map.of(), TlsServing.properties(null, null, null, "6443"));
    }

    @Test
    void servingCertificateMakesTheSecurePortHttpsOnly() {
        Map<String, String> p = TlsServing.properties("/c.crt", "/c.key", null, "6443");
        assertEquals("/c.crt", p.get("quarkus.tls.key-store.pem.serving.cert"));
        assertEquals("/c.key", p.get("quarkus.tls.key-store.pem.serving.key"));
        assertEquals("disabled", p.get("quarkus.http.insecure-requests"));
        assertEquals("6443", p.get("quarkus.http.ssl-port"));
        assertEquals("TLSv1.3,TLSv1.2", p.get("quarkus.tls.protocols"));
        assertEquals(null, p.get("quarkus.tls.trust-store.pem.certs"));
        assertEquals("/ca.crt", TlsServing.properties("/c.crt", "/c.key", "/ca.crt", "6443")
                .get("quarkus.tls.trust-store.pem.certs"));
        assertThrows(IllegalArgumentException.class, () -> TlsServing.properties("/c.crt", null, null, "6443"));
    }
}
