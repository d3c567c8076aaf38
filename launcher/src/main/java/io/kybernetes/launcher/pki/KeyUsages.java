package io.kybernetes.launcher.pki;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The key usages of {@code certificates.k8s.io/v1} ({@code spec.usages}: "digital signature", "server auth", ...)
 * and their X.509 key usage bits and extended key usage OIDs.
 */
public final class KeyUsages {

    public static final String DIGITAL_SIGNATURE = "digital signature";
    public static final String KEY_ENCIPHERMENT = "key encipherment";
    public static final String CERT_SIGN = "cert sign";
    public static final String SERVER_AUTH = "server auth";
    public static final String CLIENT_AUTH = "client auth";

    /** The usages of a TLS server certificate, as kubeadm issues them. */
    public static final List<String> SERVER = List.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, SERVER_AUTH);
    /** The usages of a TLS client certificate. */
    public static final List<String> CLIENT = List.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, CLIENT_AUTH);
    /** Both (etcd's server and peer certificates). */
    public static final List<String> SERVER_AND_CLIENT = List.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, SERVER_AUTH,
            CLIENT_AUTH);

    // Upstream's names in the order of the X.509 bits; "signing" is an alias of "digital signature".
    private static final Map<String, Integer> BITS = new LinkedHashMap<>();
    private static final Map<String, KeyPurposeId> PURPOSES = new LinkedHashMap<>();

    static {
        BITS.put(DIGITAL_SIGNATURE, KeyUsage.digitalSignature);
        BITS.put("content commitment", KeyUsage.nonRepudiation);
        BITS.put(KEY_ENCIPHERMENT, KeyUsage.keyEncipherment);
        BITS.put("data encipherment", KeyUsage.dataEncipherment);
        BITS.put("key agreement", KeyUsage.keyAgreement);
        BITS.put(CERT_SIGN, KeyUsage.keyCertSign);
        BITS.put("crl sign", KeyUsage.cRLSign);
        BITS.put("encipher only", KeyUsage.encipherOnly);
        BITS.put("decipher only", KeyUsage.decipherOnly);
        PURPOSES.put("any", KeyPurposeId.anyExtendedKeyUsage);
        PURPOSES.put(SERVER_AUTH, KeyPurposeId.id_kp_serverAuth);
        PURPOSES.put(CLIENT_AUTH, KeyPurposeId.id_kp_clientAuth);
        PURPOSES.put("code signing", KeyPurposeId.id_kp_codeSigning);
        PURPOSES.put("email protection", KeyPurposeId.id_kp_emailProtection);
        PURPOSES.put("ipsec end system", KeyPurposeId.id_kp_ipsecEndSystem);
        PURPOSES.put("ipsec tunnel", KeyPurposeId.id_kp_ipsecTunnel);
        PURPOSES.put("ipsec user", KeyPurposeId.id_kp_ipsecUser);
        PURPOSES.put("timestamping", KeyPurposeId.id_kp_timeStamping);
        PURPOSES.put("ocsp signing", KeyPurposeId.id_kp_OCSPSigning);
        PURPOSES.put("microsoft sgc", KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.4.1.311.10.3.3")));
        PURPOSES.put("netscape sgc", KeyPurposeId.getInstance(new ASN1ObjectIdentifier("2.16.840.1.113730.4.1")));
    }

    private KeyUsages() {
    }

    /** Whether {@code usage} is one of upstream's names (including "signing" and "s/mime"). */
    public static boolean known(String usage) {
        String u = canonical(usage);
        return BITS.containsKey(u) || PURPOSES.containsKey(u);
    }

    private static String canonical(String usage) {
        return switch (usage) {
            case "signing" -> DIGITAL_SIGNATURE;
            case "s/mime" -> "email protection";
            default -> usage;
        };
    }

    /** The key usage bits of {@code usages} (0 when none is a key usage). */
    public static int bits(List<String> usages) {
        int bits = 0;
        for (String u : usages) {
            bits |= BITS.getOrDefault(canonical(u), 0);
        }
        return bits;
    }

    /** The extended key usages among {@code usages}, in their order. */
    public static List<KeyPurposeId> purposes(List<String> usages) {
        List<KeyPurposeId> out = new ArrayList<>();
        for (String u : usages) {
            KeyPurposeId p = PURPOSES.get(canonical(u));
            if (p != null && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Upstream's names of the key usage bits (as {@link java.security.cert.X509Certificate#getKeyUsage}) and OIDs. */
    public static List<String> names(boolean[] keyUsage, List<String> extendedOids) {
        List<String> out = new ArrayList<>();
        if (keyUsage != null) {
            // java.security's order: digitalSignature(0), nonRepudiation(1), keyEncipherment(2), dataEncipherment(3),
            // keyAgreement(4), keyCertSign(5), cRLSign(6), encipherOnly(7), decipherOnly(8)
            String[] byIndex = {DIGITAL_SIGNATURE, "content commitment", KEY_ENCIPHERMENT, "data encipherment",
                "key agreement", CERT_SIGN, "crl sign", "encipher only", "decipher only"};
            for (int i = 0; i < Math.min(keyUsage.length, byIndex.length); i++) {
                if (keyUsage[i]) {
                    out.add(byIndex[i]);
                }
            }
        }
        if (extendedOids != null) {
            for (String oid : extendedOids) {
                PURPOSES.forEach((name, id) -> {
                    if (id.getId().equals(oid)) {
                        out.add(name);
                    }
                });
            }
        }
        return out;
    }
}
