package io.kybernetes.launcher.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority: its certificate and key, and the certificates it signs (BouncyCastle builds them).
 * Certificates start five minutes in the past (clock skew between machines, as upstream's signer backdates) and
 * never outlive the CA.
 */
public record CertificateAuthority(X509Certificate cert, PrivateKey key) {

    static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new self-signed CA named {@code commonName} with an ECDSA P-256 key, valid ten years. */
    public static CertificateAuthority create(String commonName, Clock clock) {
        return create(commonName, KeyPairs.ecdsa(), CertSpec.CA_VALIDITY, clock);
    }

    public static CertificateAuthority create(String commonName, KeyPair keys, Duration validity, Clock clock) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        Instant now = clock.instant();
        X509Certificate cert = build(name, name, keys.getPublic(), keys.getPrivate(), null, null,
                List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.KEY_ENCIPHERMENT, KeyUsages.CERT_SIGN), true,
                now.minus(BACKDATE), now.plus(validity));
        return new CertificateAuthority(cert, keys.getPrivate());
    }

    public static CertificateAuthority load(Path crt, Path key) throws IOException, GeneralSecurityException {
        X509Certificate c = Pem.readCertificate(crt);
        PrivateKey k = Pem.readPrivateKey(key);
        if (!Certificates.matches(k, c.getPublicKey())) {
            throw new GeneralSecurityException(key + " is not the key of " + crt);
        }
        return new CertificateAuthority(c, k);
    }

    public String name() {
        return Certificates.commonName(cert);
    }

    /** A new ECDSA P-256 key and a certificate for it as {@code spec} says. */
    public Issued issue(CertSpec spec, Clock clock) {
        KeyPair keys = KeyPairs.ecdsa();
        return new Issued(sign(spec, keys.getPublic(), clock), keys.getPrivate());
    }

    /** A certificate for {@code publicKey} as {@code spec} says. */
    public X509Certificate sign(CertSpec spec, PublicKey publicKey, Clock clock) {
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        for (String o : spec.organizations()) {
            subject.addRDN(BCStyle.O, o);
        }
        subject.addRDN(BCStyle.CN, spec.commonName());
        List<GeneralName> sans = new ArrayList<>();
        spec.dnsNames().forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
        spec.ipAddresses().forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        Instant now = clock.instant();
        return build(issuerName(), subject.build(), publicKey, key, cert.getPublicKey(), sans, spec.usages(), false,
                now.minus(BACKDATE), capped(now.plus(spec.validity())));
    }

    /**
     * The certificate of an approved CSR: its subject and subject alternative names as requested, {@code usages}
     * from the CSR object, valid {@code validity} (never beyond this CA).
     */
    public X509Certificate sign(Csr csr, List<String> usages, Duration validity, Clock clock) {
        Instant now = clock.instant();
        return build(issuerName(), csr.subject(), csr.publicKey(), key, cert.getPublicKey(), csr.generalNames(),
                usages, false, now.minus(BACKDATE), capped(now.plus(validity)));
    }

    /** Whether this CA signed {@code leaf}. */
    public boolean signed(X509Certificate leaf) {
        return Certificates.signedBy(leaf, cert);
    }

    private X500Name issuerName() {
        return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, PublicKey publicKey, PrivateKey signer,
            PublicKey issuerKey, List<GeneralName> sans, List<String> usages, boolean isCa, Instant notBefore,
            Instant notAfter) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, publicKey);
            int bits = KeyUsages.bits(usages);
            if (bits != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(bits));
            }
            List<KeyPurposeId> purposes = KeyUsages.purposes(usages);
            if (!purposes.isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false,
                        new DERSequence(purposes.toArray(new KeyPurposeId[0])));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            } else {
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(issuerKey));
            }
            if (sans != null && !sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(new GeneralName[0])));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(KeyPairs.signatureAlgorithm(signer)).build(signer)));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private Instant capped(Instant notAfter) {
        Instant ca = cert.getNotAfter().toInstant();
        return notAfter.isBefore(ca) ? notAfter : ca;
    }
}
