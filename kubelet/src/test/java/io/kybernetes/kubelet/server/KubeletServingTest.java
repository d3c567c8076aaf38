package io.kybernetes.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KubeletServingTest {

    @Test
    void plainWithoutCertificate() {
        assertTrue(KubeletServing.properties(null, null, "/ca.crt", "10250").isEmpty());
    }

    @Test
    void httpsOnlyOnThePort() {
        Map<String, String> p = KubeletServing.properties("/k.crt", "/k.key", "/ca.crt", "10250");
        assertEquals("/k.crt", p.get("quarkus.tls.key-store.pem.serving.cert"));
        assertEquals("/k.key", p.get("quarkus.tls.key-store.pem.serving.key"));
        assertEquals("/ca.crt", p.get("quarkus.tls.trust-store.pem.certs"));
        assertEquals("disabled", p.get("quarkus.http.insecure-requests"));
        assertEquals("10250", p.get("quarkus.http.ssl-port"));
    }

    @Test
    void rotatedCertificateIsTheServingStoresCurrentPair() {
        assertEquals(java.nio.file.Path.of("/var/lib/kybernetes/kubelet/pki/kubelet-server-current.pem"),
                KubeletServing.rotatedCertificate(null, null));
        assertEquals(java.nio.file.Path.of("/r/pki/kubelet-server-current.pem"),
                KubeletServing.rotatedCertificate(null, "/r"));
        assertEquals(java.nio.file.Path.of("/c/kubelet-server-current.pem"),
                KubeletServing.rotatedCertificate("/c", "/r"));
    }

    @Test
    void certAndKeyGoTogether() {
        assertThrows(IllegalArgumentException.class, () -> KubeletServing.properties("/k.crt", null, null, null));
    }
}
