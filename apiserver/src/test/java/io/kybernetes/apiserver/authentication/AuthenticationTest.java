package io.kybernetes.apiserver.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.json.Json;

class AuthenticationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CN=admin,O=system:masters                 | admin  | system:masters",
        "O=system:masters,CN=admin                 | admin  | system:masters",
        "CN=system:node:n1,O=system:nodes          | system:node:n1 | system:nodes",
        "CN=bob                                    | bob    | ''",
        // RFC 2253 strings list the RDNs last first: the certificate says O=qa, O=dev, CN=carol
        "CN=carol,O=dev,O=qa                       | carol  | qa;dev",
        "CN=dave,OU=ignored,O=ops,C=DE             | dave   | ops",
    })
    void x509SubjectGivesUserAndGroups(String subject, String user, String groups) {
        UserInfo u = X509Users.fromSubject(subject);
        assertNotNull(u);
        assertEquals(user, u.name());
        assertEquals(groups.isEmpty() ? List.of() : List.of(groups.split(";")), u.groups());
    }

    @Test
    void x509WithoutCommonNameIsNobody() {
        assertNull(X509Users.fromSubject("O=system:masters"));
    }

    @Test
    void x509OnlyTrustsCertificatesOfTheClientCa() throws Exception {
        TestPki.Issued ca = TestPki.ca("ca");
        TestPki.Issued other = TestPki.ca("ca");
        X509Users users = new X509Users(List.of(ca.cert()));
        UserInfo u = users.user(TestPki.issue(ca, "O=system:masters,CN=admin", null, 1).cert());
        assertEquals("admin", u.name());
        assertEquals(List.of("system:masters"), u.groups());
        assertNull(users.user(TestPki.issue(other, "O=system:masters,CN=admin", null, 1).cert()),
                "a certificate of another CA with the same name");
        assertNull(users.user(TestPki.issue(ca, "CN=old", null, -1).cert()), "an expired certificate");
    }

    @Test
    void tokenFileColumns() {
        TokenFile f = TokenFile.parse("""
                # comment
                t1,alice,u1,"dev,qa"
                t2,bob,u2
                t3,carol,u3,ops

                """);
        assertEquals(3, f.size());
        assertEquals(new UserInfo("alice", "u1", List.of("dev", "qa"), null), f.user("t1"));
        assertEquals(List.of(), f.user("t2").groups());
        assertEquals(List.of("ops"), f.user("t3").groups());
        assertNull(f.user("t4"));
        assertThrows(IllegalArgumentException.class, () -> TokenFile.parse("t1,alice"));
        assertThrows(IllegalArgumentException.class, () -> TokenFile.parse(",alice,u1"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "Bearer abc  | abc", "bearer abc | abc", "Bearer     | -", "Basic YWJj | -", "abc | -"})
    void bearerHeader(String header, String token) {
        assertEquals(token, Authenticator.bearer(header));
    }

    static final String ISS = "https://kubernetes.default.svc.cluster.local";

    @Test
    void serviceAccountTokensRoundTripWithUpstreamClaims() throws Exception {
        KeyPair k = TestPki.rsa();
        var tokens = new ServiceAccountTokens(k.getPrivate(), k.getPublic(), List.of(k.getPublic()), ISS, List.of(ISS));
        String t = tokens.sign("ns1", "bot", "sa-uid", "p1", "pod-uid", List.of(ISS), 1000, 3600, "jti-1");
        var claims = Json.parse(Base64.getUrlDecoder().decode(t.split("\\.")[1]));
        assertEquals("system:serviceaccount:ns1:bot", claims.path("sub").asText());
        assertEquals(ISS, claims.path("iss").asText());
        assertEquals(4600, claims.path("exp").asLong());
        assertEquals(1000, claims.path("nbf").asLong());
        assertEquals(1000, claims.path("iat").asLong());
        assertEquals("ns1", claims.path("kubernetes.io").path("namespace").asText());
        assertEquals("sa-uid", claims.path("kubernetes.io").path("serviceaccount").path("uid").asText());
        assertEquals("p1", claims.path("kubernetes.io").path("pod").path("name").asText());
        var header = Json.parse(Base64.getUrlDecoder().decode(t.split("\\.")[0]));
        assertEquals("RS256", header.path("alg").asText());
        assertEquals(ServiceAccountTokens.keyId(k.getPublic()), header.path("kid").asText());

        ServiceAccountTokens.Claims c = tokens.verify(t, 2000);
        UserInfo u = c.user();
        assertEquals("system:serviceaccount:ns1:bot", u.name());
        assertEquals("sa-uid", u.uid());
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:ns1"), u.groups());
        assertEquals(List.of("p1"), u.extra().get("authentication.kubernetes.io/pod-name"));
    }

    @Test
    void serviceAccountTokensRefused() throws Exception {
        KeyPair k = TestPki.rsa();
        KeyPair other = TestPki.rsa();
        var tokens = new ServiceAccountTokens(k.getPrivate(), k.getPublic(), List.of(k.getPublic()), ISS, List.of(ISS));
        var forged = new ServiceAccountTokens(other.getPrivate(), other.getPublic(), List.of(other.getPublic()), ISS,
                List.of(ISS));
        String t = tokens.sign("ns1", "bot", "u", null, null, List.of(ISS), 1000, 3600, "j");
        assertThrows(IllegalArgumentException.class, () -> tokens.verify(t, 4600), "expired");
        assertThrows(IllegalArgumentException.class,
                () -> tokens.verify(forged.sign("ns1", "bot", "u", null, null, List.of(ISS), 1000, 3600, "j"), 2000),
                "signed by another key");
        assertThrows(IllegalArgumentException.class,
                () -> tokens.verify(tokens.sign("ns1", "bot", "u", null, null, List.of("vault"), 1000, 3600, "j"), 2000),
                "another audience");
        String[] p = t.split("\\.");
        String tampered = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1])).replace("ns1", "ns2").getBytes()) + "." + p[2];
        assertThrows(IllegalArgumentException.class, () -> tokens.verify(tampered, 2000), "tampered claims");
        var otherIssuer = new ServiceAccountTokens(k.getPrivate(), k.getPublic(), List.of(k.getPublic()), "https://x",
                List.of(ISS));
        assertNull(otherIssuer.verify(t, 2000), "another issuer's token is not ours");
        assertNull(tokens.verify("not-a-jwt", 2000));
        assertNull(tokens.verify("a.b.c", 2000));
    }

    @Test
    void pemKeysInPkcs1AndPkcs8(@TempDir Path dir) throws Exception {
        KeyPair k = TestPki.rsa();
        Path pkcs1 = TestPki.write(dir.resolve("k1.pem"), k);
        Path pkcs8 = Files.writeString(dir.resolve("k8.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(k.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Path pub = TestPki.write(dir.resolve("pub.pem"), k.getPublic());
        assertTrue(Files.readString(pkcs1).contains("RSA PRIVATE KEY"));
        assertEquals(k.getPrivate(), Pem.privateKey(pkcs1));
        assertEquals(k.getPrivate(), Pem.privateKey(pkcs8));
        assertEquals(List.of(k.getPublic()), Pem.publicKeys(pkcs1));
        assertEquals(List.of(k.getPublic()), Pem.publicKeys(pkcs8));
        assertEquals(List.of(k.getPublic()), Pem.publicKeys(pub));
    }
}
