package io.kybernetes.apiserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

class KubeletClientTlsTest {

    @Test
    void plainWithoutClientCertificate() {
        KubeletClientTls t = KubeletClientTls.of(Optional.empty(), Optional.empty(), Optional.of("/ca.crt"));
        assertFalse(t.secure());
        assertEquals("http", t.scheme());
        assertFalse(t.apply(new HttpClientOptions()).isSsl());
        assertFalse(t.apply(new NetClientOptions()).isSsl());
        assertFalse(KubeletClientTls.current().secure(), "no flags in unit tests");
    }

    @Test
    void httpsWithClientCertificateVerifiedAgainstTheAuthority() {
        KubeletClientTls t = KubeletClientTls.of(Optional.of("/c.crt"), Optional.of("/c.key"), Optional.of("/ca.crt"));
        assertEquals("https", t.scheme());
        HttpClientOptions h = t.apply(new HttpClientOptions());
        assertTrue(h.isSsl());
        assertTrue(h.isVerifyHost());
        assertFalse(h.isTrustAll());
        assertEquals("/c.crt", ((PemKeyCertOptions) h.getKeyCertOptions()).getCertPath());
        assertEquals("/ca.crt", ((PemTrustOptions) h.getTrustOptions()).getCertPaths().get(0));
        NetClientOptions n = t.apply(new NetClientOptions());
        assertTrue(n.isSsl());
        assertEquals("HTTPS", n.getHostnameVerificationAlgorithm());
    }

    @Test
    void withoutAuthorityTheKubeletIsNotVerified() {
        KubeletClientTls t = KubeletClientTls.of(Optional.of("/c.crt"), Optional.of("/c.key"), Optional.empty());
        assertNull(t.authority());
        assertTrue(t.apply(new HttpClientOptions()).isTrustAll());
        assertTrue(t.apply(new NetClientOptions()).isTrustAll());
    }

    @Test
    void certificateAndKeyGoTogether() {
        assertThrows(IllegalArgumentException.class,
                () -> KubeletClientTls.of(Optional.of("/c.crt"), Optional.empty(), Optional.empty()));
    }
}
