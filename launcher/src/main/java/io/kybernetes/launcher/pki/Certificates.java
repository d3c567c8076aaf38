package io.kybernetes.launcher.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** What a certificate says, read back the way the apiserver reads it (CN = user, each O = a group). */
public final class Certificates {

    private Certificates() {
    }

    public static String commonName(X509Certificate cert) {
        List<String> cn = values(subject(cert), BCStyle.CN);
        return cn.isEmpty() ? "" : cn.get(0);
    }

    public static List<String> organizations(X509Certificate cert) {
        return values(subject(cert), BCStyle.O);
    }

    static X500Name subject(X509Certificate cert) {
        return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    }

    /** The values of attribute {@code type} in RDN order, multi-valued RDNs included. */
    static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(type)) {
                    out.add(atv.getValue() instanceof ASN1String s ? s.getString() : atv.getValue().toString());
                }
            }
        }
        return out;
    }

    public static List<String> dnsNames(X509Certificate cert) {
        return sans(cert, 2);
    }

    public static List<String> ipAddresses(X509Certificate cert) {
        return sans(cert, 7);
    }

    private static List<String> sans(X509Certificate cert, int type) {
        List<String> out = new ArrayList<>();
        try {
            var all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> san : all) {
                    if (((Integer) san.get(0)) == type) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subjectAltName: " + e.getMessage(), e);
        }
        return out;
    }

    /** The key usages and extended key usages in {@code certificates.k8s.io} names. */
    public static List<String> usages(X509Certificate cert) {
        try {
            return KeyUsages.names(cert.getKeyUsage(), cert.getExtendedKeyUsage());
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable extendedKeyUsage: " + e.getMessage(), e);
        }
    }

    /** The spec that re-issues {@code cert} with the same subject, names and usages, valid for {@code validity}. */
    public static CertSpec spec(X509Certificate cert, Duration validity) {
        return new CertSpec(commonName(cert), organizations(cert), dnsNames(cert), ipAddresses(cert),
                usages(cert), validity);
    }

    public static boolean isCa(X509Certificate cert) {
        return cert.getBasicConstraints() >= 0;
    }

    public static Instant notAfter(X509Certificate cert) {
        return cert.getNotAfter().toInstant();
    }

    /** Whether {@code cert} was issued by {@code ca}: issuer name equals its subject and its key signed it. */
    public static boolean signedBy(X509Certificate cert, X509Certificate ca) {
        if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Why {@code cert} is not valid at {@code now} under {@code ca}, or null when it is. */
    public static String invalidReason(X509Certificate cert, X509Certificate ca, Instant now) {
        if (!signedBy(cert, ca)) {
            return "is not signed by the CA \"" + commonName(ca) + "\" on disk";
        }
        if (now.isAfter(notAfter(cert))) {
            return "expired on " + ResidualTime.date(notAfter(cert));
        }
        if (now.isBefore(cert.getNotBefore().toInstant())) {
            return "is not valid before " + ResidualTime.date(cert.getNotBefore().toInstant());
        }
        return null;
    }

    /** Whether {@code key} is the private half of {@code pub}: signs a message and verifies it. */
    public static boolean matches(PrivateKey key, PublicKey pub) {
        try {
            String alg = key instanceof ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] msg = "kybernetes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(msg);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(msg);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
