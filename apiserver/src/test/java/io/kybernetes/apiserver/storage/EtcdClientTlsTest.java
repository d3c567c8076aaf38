package io.kybernetes.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.Date;
import java.util.Optional;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.authentication.TestPki;

/** The etcd client's TLS context from --etcd-cafile/--etcd-certfile/--etcd-keyfile and the URL schemes. */
class EtcdClientTlsTest {

    static Path dir;
    static String ca;

    @BeforeAll
    static void pki() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-etcdclient-");
        ca = TestPki.write(dir.resolve("ca.crt"), TestPki.ca("etcd-ca").cert()).toString();
    }

    @AfterAll
    static void cleanup() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    /** A self-signed client certificate and its key in {@code encoding} ("traditional": PKCS#1/SEC1, or pkcs8). */
    static String[] client(String algorithm, String encoding) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(algorithm.equals("EC") ? 256 : 2048);
        KeyPair k = g.generateKeyPair();
        long now = System.currentTimeMillis();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=client"), BigInteger.TEN, new Date(now - 60_000), new Date(now + 86_400_000L),
                new X500Name("CN=client"), k.getPublic())
                .build(new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                        .build(k.getPrivate())));
        String name = algorithm + "-" + encoding;
        Path crt = TestPki.write(dir.resolve(name + ".crt"), cert);
        Path key = dir.resolve(name + ".key");
        if (encoding.equals("pkcs8")) {
            TestPki.write(key, new JcaPKCS8Generator(k.getPrivate(), null).generate());
        } else if (algorithm.equals("EC")) {
            // SEC1 with the named curve in its parameters, as Go (kubeadm, cfssl) and openssl write it
            Path pkcs8 = TestPki.write(dir.resolve(name + ".pkcs8"), new JcaPKCS8Generator(k.getPrivate(), null).generate());
            Process p = new ProcessBuilder("openssl", "ec", "-in", pkcs8.toString(), "-out", key.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        } else {
            TestPki.write(key, k);
        }
        return new String[] {crt.toString(), key.toString()};
    }

    @ParameterizedTest
    @CsvSource({
        "RSA, traditional, RSA PRIVATE KEY",
        "RSA, pkcs8, PRIVATE KEY",
        "EC, traditional, EC PRIVATE KEY",
        "EC, pkcs8, PRIVATE KEY"})
    void clientKeysInEveryPemEncodingAreRead(String algorithm, String encoding, String label) throws Exception {
        String[] files = client(algorithm, encoding);
        assertEquals("-----BEGIN " + label + "-----", Files.readAllLines(Path.of(files[1])).get(0));
        assertNotNull(EtcdStore.sslContext(new String[] {"https://127.0.0.1:2379"}, Optional.of(ca),
                Optional.of(files[0]), Optional.of(files[1])));
    }

    @Test
    void plaintextUrlsNeedNoTlsAndHttpsWithoutFilesUsesTheJdksCas() {
        assertNull(EtcdStore.sslContext(new String[] {"http://127.0.0.1:2379"}, Optional.of(ca), Optional.empty(),
                Optional.empty()));
        assertNotNull(EtcdStore.sslContext(new String[] {"https://127.0.0.1:2379"}, Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    @Test
    void badCombinationsAreRefusedWithTheFlagsNamed() throws Exception {
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> EtcdStore.sslContext(
                new String[] {"https://a:2379", "http://b:2379"}, Optional.empty(), Optional.empty(), Optional.empty()));
        assertTrue(mixed.getMessage().contains("mixes http:// and https://"), mixed.getMessage());
        String[] files = client("RSA", "pkcs8");
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class, () -> EtcdStore.sslContext(
                new String[] {"https://a:2379"}, Optional.empty(), Optional.of(files[0]), Optional.empty()));
        assertTrue(half.getMessage().contains("--etcd-certfile and --etcd-keyfile go together"), half.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> EtcdStore.sslContext(
                new String[] {"https://a:2379"}, Optional.of(dir.resolve("none.crt").toString()), Optional.empty(),
                Optional.empty()));
        assertTrue(missing.getMessage().startsWith("etcd client TLS: "), missing.getMessage());
    }
}
