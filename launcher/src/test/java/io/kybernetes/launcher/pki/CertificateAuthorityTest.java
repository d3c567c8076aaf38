package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateAuthorityTest {

    static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final CertificateAuthority CA = CertificateAuthority.create("kubernetes", NOW);

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of("client with groups", CertSpec.client("jane", "dev", "qa"), List.of(), List.of(),
                        KeyUsages.CLIENT),
                Arguments.of("client without group", CertSpec.client("system:kube-scheduler"), List.of(), List.of(),
                        KeyUsages.CLIENT),
                Arguments.of("server, SANs sorted into DNS and IP",
                        CertSpec.server("kube-apiserver", List.of("kubernetes", "10.96.0.1", "node1", "127.0.0.1",
                                "kubernetes")),
                        List.of("kubernetes", "node1"), List.of("10.96.0.1", "127.0.0.1"), KeyUsages.SERVER),
                Arguments.of("IPv6 SAN", CertSpec.server("etcd", List.of("localhost", "::1")), List.of("localhost"),
                        List.of("0:0:0:0:0:0:0:1"), KeyUsages.SERVER),
                Arguments.of("server and client",
                        CertSpec.withSans("node1", List.of(), List.of("node1", "192.0.2.2"),
                                KeyUsages.SERVER_AND_CLIENT),
                        List.of("node1"), List.of("192.0.2.2"), KeyUsages.SERVER_AND_CLIENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void issuesWhatTheSpecSays(String name, CertSpec spec, List<String> dns, List<String> ips, List<String> usages) {
        Issued issued = CA.issue(spec, NOW);
        X509Certificate c = issued.cert();
        assertEquals(spec.commonName(), Certificates.commonName(c));
        assertEquals(spec.organizations(), Certificates.organizations(c));
        assertEquals(dns, Certificates.dnsNames(c));
        assertEquals(ips, Certificates.ipAddresses(c));
        assertEquals(usages, Certificates.usages(c));
        assertFalse(Certificates.isCa(c));
        assertTrue(CA.signed(c));
        assertTrue(Certificates.matches(issued.key(), c.getPublicKey()));
        assertEquals(NOW.instant().plus(Duration.ofDays(365)), Certificates.notAfter(c));
        assertEquals(NOW.instant().minus(Duration.ofMinutes(5)), c.getNotBefore().toInstant());
        assertEquals("EC", c.getPublicKey().getAlgorithm());
    }

    @Test
    void caIsSelfSignedForTenYears() {
        X509Certificate c = CA.cert();
        assertTrue(Certificates.isCa(c));
        assertTrue(Certificates.signedBy(c, c));
        assertEquals(List.of("digital signature", "key encipherment", "cert sign"), Certificates.usages(c));
        assertEquals(NOW.instant().plus(Duration.ofDays(3650)), Certificates.notAfter(c));
    }

    static Stream<Arguments> chains() {
        CertificateAuthority other = CertificateAuthority.create("kubernetes", NOW); // same name, other key
        CertificateAuthority etcd = CertificateAuthority.create("etcd-ca", NOW);
        X509Certificate leaf = CA.issue(CertSpec.client("admin"), NOW).cert();
        return Stream.of(
                Arguments.of("own CA", leaf, CA.cert(), NOW.instant(), null),
                Arguments.of("another CA of the same name", leaf, other.cert(), NOW.instant(),
                        "is not signed by the CA \"kubernetes\" on disk"),
                Arguments.of("another CA", leaf, etcd.cert(), NOW.instant(),
                        "is not signed by the CA \"etcd-ca\" on disk"),
                Arguments.of("expired", leaf, CA.cert(), NOW.instant().plus(Duration.ofDays(366)),
                        "expired on Jan 01, 2026 00:00 UTC"),
                Arguments.of("not yet valid", leaf, CA.cert(), NOW.instant().minus(Duration.ofHours(1)),
                        "is not valid before Dec 31, 2024 23:55 UTC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void checksChainAndValidity(String name, X509Certificate leaf, X509Certificate ca, Instant at, String why) {
        assertEquals(why, Certificates.invalidReason(leaf, ca, at));
    }

    @Test
    void leavesNeverOutliveTheCa() {
        CertificateAuthority shortCa = CertificateAuthority.create("short", KeyPairs.ecdsa(), Duration.ofDays(30),
                NOW);
        X509Certificate c = shortCa.issue(CertSpec.client("x"), NOW).cert();
        assertEquals(Certificates.notAfter(shortCa.cert()), Certificates.notAfter(c));
    }

    @Test
    void rsaCaSignsToo() {
        CertificateAuthority rsa = CertificateAuthority.create("rsa", KeyPairs.rsa(), Duration.ofDays(30), NOW);
        X509Certificate c = rsa.issue(CertSpec.client("x"), NOW).cert();
        assertTrue(rsa.signed(c));
        assertEquals("SHA256withRSA", c.getSigAlgName());
        assertNull(Certificates.invalidReason(c, rsa.cert(), NOW.instant()));
    }

    @Test
    void respecOfACertificateReproducesIt() {
        CertSpec spec = CertSpec.withSans("system:node:n1", List.of("system:nodes"), List.of("n1", "192.0.2.9"),
                KeyUsages.SERVER);
        X509Certificate c = CA.issue(spec, NOW).cert();
        assertEquals(spec, Certificates.spec(c, CertSpec.LEAF_VALIDITY));
    }
}
