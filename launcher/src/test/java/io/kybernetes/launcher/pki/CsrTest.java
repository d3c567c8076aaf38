package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsrTest {

    static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void roundTripsSubjectAndNames() throws Exception {
        KeyPair keys = KeyPairs.ecdsa();
        String pem = Csr.create(CertSpec.withSans("system:node:n1", List.of("system:nodes"),
                List.of("n1", "192.0.2.2"), KeyUsages.SERVER), keys);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"));
        Csr csr = Csr.parse(pem);
        assertEquals("system:node:n1", csr.commonName());
        assertEquals(List.of("system:nodes"), csr.organizations());
        assertEquals(List.of("n1"), csr.dnsNames());
        assertEquals(List.of("192.0.2.2"), csr.ipAddresses());
        assertEquals(keys.getPublic(), csr.publicKey());

        CertificateAuthority ca = CertificateAuthority.create("kubernetes", NOW);
        X509Certificate c = ca.sign(csr, List.of("digital signature", "server auth"), Duration.ofHours(1), NOW);
        assertEquals("system:node:n1", Certificates.commonName(c));
        assertEquals(List.of("system:nodes"), Certificates.organizations(c));
        assertEquals(List.of("n1"), Certificates.dnsNames(c));
        assertEquals(List.of("192.0.2.2"), Certificates.ipAddresses(c));
        assertEquals(List.of("digital signature", "server auth"), Certificates.usages(c));
        assertEquals(NOW.instant().plus(Duration.ofHours(1)), Certificates.notAfter(c));
        assertEquals(keys.getPublic(), c.getPublicKey());
        assertTrue(ca.signed(c));
    }

    @Test
    void rsaRequestsParse() throws Exception {
        Csr csr = Csr.parse(Csr.create(CertSpec.client("jane", "dev"), KeyPairs.rsa()));
        assertEquals("jane", csr.commonName());
        assertEquals(List.of(), csr.dnsNames());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"})
    void refusesWhatIsNoRequest(String pem) {
        assertThrows(GeneralSecurityException.class, () -> Csr.parse(pem));
    }

    @Test
    void refusesACertificate() {
        CertificateAuthority ca = CertificateAuthority.create("kubernetes", NOW);
        assertThrows(GeneralSecurityException.class, () -> Csr.parse(Pem.encode(ca.cert())));
    }

    @Test
    void refusesATamperedSignature() throws Exception {
        String pem = Csr.create(CertSpec.client("jane"), KeyPairs.ecdsa());
        String body = pem.replaceAll("-----[A-Z ]+-----|\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        der[der.length - 5] ^= 0x01; // inside the signature
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> Csr.parse(Pem.encode("CERTIFICATE REQUEST", der)));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }
}
