package io.kybernetes.apiserver.authentication;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM files as upstream reads them: PKCS#1 and PKCS#8 RSA keys, public keys and certificates (BouncyCastle). */
public final class Pem {

    private Pem() {
    }

    public static List<X509Certificate> certificates(Path file) throws IOException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (var c : cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException("no certificate in " + file);
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificates in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The private key of a PEM file (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"). */
    public static PrivateKey privateKey(Path file) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        for (Object o : objects(file)) {
            if (o instanceof PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo pk) {
                return conv.getPrivateKey(pk);
            }
        }
        throw new IOException("no private key in " + file);
    }

    /** Every public key of a PEM file: public keys, the public halves of private keys, certificates' keys. */
    public static List<PublicKey> publicKeys(Path file) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        List<PublicKey> out = new ArrayList<>();
        for (Object o : objects(file)) {
            if (o instanceof PEMKeyPair kp) {
                out.add(conv.getPublicKey(kp.getPublicKeyInfo()));
            } else if (o instanceof SubjectPublicKeyInfo pub) {
                out.add(conv.getPublicKey(pub));
            } else if (o instanceof X509CertificateHolder cert) {
                out.add(conv.getPublicKey(cert.getSubjectPublicKeyInfo()));
            } else if (o instanceof PrivateKeyInfo pk) {
                PrivateKey key = conv.getPrivateKey(pk);
                if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
                    try {
                        out.add(java.security.KeyFactory.getInstance("RSA").generatePublic(
                                new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())));
                    } catch (java.security.GeneralSecurityException e) {
                        throw new IOException(e);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no public key in " + file);
        }
        return out;
    }

    private static List<Object> objects(Path file) throws IOException {
        List<Object> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                out.add(o);
            }
        }
        return out;
    }
}
