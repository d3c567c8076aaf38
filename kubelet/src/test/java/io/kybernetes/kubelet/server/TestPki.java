package io.kybernetes.kubelet.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for the kubelet's TLS tests: a CA and what it signs (BouncyCastle), written as PEM files. */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public record Issued(KeyPair keys, X509Certificate cert) {
    }

    private TestPki() {
    }

    public static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    public static Issued ca(String cn) throws GeneralSecurityException {
        KeyPair k = rsa();
        X500Name name = new X500Name("CN=" + cn);
        return new Issued(k, sign(name, name, k, k, true, null, 1));
    }

    /** {@code subject} like "O=system:masters,CN=admin"; {@code ip}: an IP SAN (serving certificates) or null. */
    public static Issued issue(Issued ca, String subject, String ip, long days) throws GeneralSecurityException {
        KeyPair k = rsa();
        return new Issued(k, sign(new X500Name(ca.cert().getSubjectX500Principal().getName()), new X500Name(subject),
                k, ca.keys(), false, ip, days));
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair keys, KeyPair signer, boolean ca,
            String ip, long days) throws GeneralSecurityException {
        long now = System.currentTimeMillis();
        try {
            var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    new Date(now - 60_000), new Date(now + days * 86_400_000L), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ip != null) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, ip), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    public static Path write(Path file, Object... objects) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o);
            }
        }
        return Files.writeString(file, w.toString());
    }
}
