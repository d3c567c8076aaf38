package io.kybernetes.launcher.pki;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate request, as {@code certificates.k8s.io/v1} CertificateSigningRequests carry it in
 * {@code spec.request} (PEM "CERTIFICATE REQUEST", base64 in JSON). {@link #parse} checks its self-signature.
 */
public record Csr(X500Name subject, PublicKey publicKey, List<String> dnsNames, List<String> ipAddresses,
        List<String> emailAddresses, List<String> uris) {

    public Csr {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        emailAddresses = List.copyOf(emailAddresses);
        uris = List.copyOf(uris);
    }

    public String commonName() {
        List<String> cn = Certificates.values(subject, BCStyle.CN);
        return cn.isEmpty() ? "" : cn.get(0);
    }

    public List<String> organizations() {
        return Certificates.values(subject, BCStyle.O);
    }

    /** Parses the first CERTIFICATE REQUEST of {@code pem}; fails when none or when its signature is wrong. */
    public static Csr parse(String pem) throws GeneralSecurityException {
        PKCS10CertificationRequest req = null;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null && req == null; o = p.readObject()) {
                if (o instanceof PKCS10CertificationRequest r) {
                    req = r;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("PEM block type must be CERTIFICATE REQUEST: " + e.getMessage(), e);
        }
        if (req == null) {
            throw new GeneralSecurityException("PEM block type must be CERTIFICATE REQUEST");
        }
        JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(req);
        PublicKey key = jca.getPublicKey();
        try {
            if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new GeneralSecurityException("the request's signature does not verify with its public key");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new GeneralSecurityException("the request's signature cannot be checked: " + e.getMessage(), e);
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (Attribute a : req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var v : a.getAttributeValues()) {
                GeneralNames names = GeneralNames.fromExtensions(Extensions.getInstance(v),
                        Extension.subjectAlternativeName);
                if (names == null) {
                    continue;
                }
                for (GeneralName n : names.getNames()) {
                    switch (n.getTagNo()) {
                        case GeneralName.dNSName -> dns.add(((ASN1String) n.getName()).getString());
                        case GeneralName.rfc822Name -> emails.add(((ASN1String) n.getName()).getString());
                        case GeneralName.uniformResourceIdentifier -> uris.add(((ASN1String) n.getName()).getString());
                        case GeneralName.iPAddress -> ips.add(ip(ASN1OctetString.getInstance(n.getName()).getOctets()));
                        default -> {
                        }
                    }
                }
            }
        }
        return new Csr(req.getSubject(), key, dns, ips, emails, uris);
    }

    private static String ip(byte[] bytes) throws GeneralSecurityException {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new GeneralSecurityException("an IP subjectAltName of " + bytes.length + " bytes", e);
        }
    }

    /** The subject alternative names to put into the certificate, as requested. */
    List<GeneralName> generalNames() {
        List<GeneralName> out = new ArrayList<>();
        dnsNames.forEach(d -> out.add(new GeneralName(GeneralName.dNSName, d)));
        ipAddresses.forEach(i -> out.add(new GeneralName(GeneralName.iPAddress, i)));
        emailAddresses.forEach(e -> out.add(new GeneralName(GeneralName.rfc822Name, e)));
        uris.forEach(u -> out.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
        return out;
    }

    /**
     * A PEM CERTIFICATE REQUEST for {@code keys} with the subject and subject alternative names of {@code spec}
     * (what a kubelet sends to get its certificates; usages and validity go into the CSR object, not here).
     */
    public static String create(CertSpec spec, KeyPair keys) {
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        spec.organizations().forEach(o -> subject.addRDN(BCStyle.O, o));
        subject.addRDN(BCStyle.CN, spec.commonName());
        try {
            JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(subject.build(),
                    keys.getPublic());
            List<GeneralName> sans = new ArrayList<>();
            spec.dnsNames().forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
            spec.ipAddresses().forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
            if (!sans.isEmpty()) {
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(new GeneralName[0])));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            PKCS10CertificationRequest req = b.build(new JcaContentSignerBuilder(
                    KeyPairs.signatureAlgorithm(keys.getPrivate())).build(keys.getPrivate()));
            return Pem.encode("CERTIFICATE REQUEST", req.getEncoded());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a certificate request: " + e.getMessage(), e);
        }
    }
}
