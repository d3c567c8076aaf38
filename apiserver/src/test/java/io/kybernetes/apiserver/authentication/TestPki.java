package io.kybernetes.apiserver.authentication;

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

/** A throwaway PKI for tests: a CA and certificates it signs (BouncyCastle), written as PEM. */
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
        return new Issued(k, build(new X500Name("CN=" + cn), new X500Name("CN=" + cn), k, k, true, null, 1));
    }

    /** A certificate for {@code subject} (e.g. "O=system:masters,CN=admin") signed by {@code ca}. */
    public static Issued issue(Issued ca, String subject, String ipSan, long days) throws GeneralSecurityException {
        KeyPair k = rsa();
        X500Name issuer = new X500Name(ca.cert().getSubjectX500Principal().getName());
        return new Issued(k, build(issuer, new X500Name(subject), k, ca.keys(), false, ipSan, days));
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, KeyPair keys, KeyPair signer,
            boolean isCa, String ipSan, long days) throws GeneralSecurityException {
        long now = System.currentTimeMillis();
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), new Date(now - 60_000),
                    new Date(now + days * 86_400_000L), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (ipSan != null) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, ipSan), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    public static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    public static Path write(Path file, Object... objects) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Object o : objects) {
            sb.append(pem(o));
        }
        return Files.writeString(file, sb);
    }
}
