package io.kybernetes.launcher.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM encoding of certificates ("CERTIFICATE"), private keys as kubeadm writes them (SEC1 "EC PRIVATE KEY", PKCS#1
 * "RSA PRIVATE KEY": fabric8's kubeconfig reader takes an EC key only in SEC1 form), public keys ("PUBLIC KEY") and
 * CSRs ("CERTIFICATE REQUEST"); reading accepts PKCS#8 keys too. Files are replaced atomically; private keys are
 * written 0600, the rest 0644.
 */
public final class Pem {

    private Pem() {
    }

    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public static String encode(X509Certificate... certs) {
        StringBuilder sb = new StringBuilder();
        try {
            for (X509Certificate c : certs) {
                sb.append(encode("CERTIFICATE", c.getEncoded()));
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
        return sb.toString();
    }

    public static String encode(PrivateKey key) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                // SEC1 with the public point (readers such as fabric8's rebuild the key pair from it): Q = d*G
                ECParameterSpec spec = EC5Util.convertSpec(ec.getParams());
                ECPoint q = new FixedPointCombMultiplier().multiply(spec.getG(), ec.getS()).normalize();
                return encode("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(spec.getN().bitLength(),
                        ec.getS(), new DERBitString(q.getEncoded(false)),
                        info.getPrivateKeyAlgorithm().getParameters()).getEncoded());
            }
            if (key instanceof java.security.interfaces.RSAPrivateCrtKey) {
                return encode("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
            }
            return encode("PRIVATE KEY", key.getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("private key cannot be encoded: " + e.getMessage(), e);
        }
    }

    public static String encode(PublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    public static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException("no certificate in PEM data");
        }
        return out;
    }

    /** The first certificate of {@code pem}. */
    public static X509Certificate certificate(String pem) throws GeneralSecurityException {
        return certificates(pem).get(0);
    }

    public static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try {
            return certificate(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
        }
    }

    /** The first private key of {@code pem}: PKCS#8, PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"). */
    public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    return converter.getPrivateKey(kp.getPrivateKeyInfo()); // SEC1 without a public point too
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        } catch (IOException e) {
            throw new GeneralSecurityException("unreadable PEM data: " + e.getMessage(), e);
        }
        throw new GeneralSecurityException("no private key in PEM data");
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        try {
            return privateKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
        }
    }

    /** The first public key of {@code pem}: a "PUBLIC KEY", or that of a certificate or a private key pair. */
    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof SubjectPublicKeyInfo info) {
                    return converter.getPublicKey(info);
                }
                if (o instanceof X509CertificateHolder h) {
                    return converter.getPublicKey(h.getSubjectPublicKeyInfo());
                }
                if (o instanceof PEMKeyPair kp) {
                    return converter.getKeyPair(kp).getPublic();
                }
            }
        } catch (IOException e) {
            throw new GeneralSecurityException("unreadable PEM data: " + e.getMessage(), e);
        }
        throw new GeneralSecurityException("no public key in PEM data");
    }

    public static void writeCertificate(Path file, X509Certificate... certs) throws IOException {
        write(file, encode(certs), "rw-r--r--");
    }

    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        write(file, encode(key), "rw-------");
    }

    public static void writePublicKey(Path file, PublicKey key) throws IOException {
        write(file, encode(key), "rw-r--r--");
    }

    /** Writes {@code text} through a temporary file with {@code permissions} set before any byte is in it. */
    public static void write(Path file, String text, String permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
