package io.kybernetes.apiserver.authentication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.KeyPairs;
import io.kybernetes.launcher.pki.KeyUsages;
import io.kybernetes.launcher.pki.Pem;

/**
 * A throwaway PKI for tests (RSA keys, a CA valid a day, certificates it signs), made by launcher's pki: the code
 * that makes the cluster's certificates.
 */
public final class TestPki {

    public record Issued(KeyPair keys, X509Certificate cert) {
    }

    private TestPki() {
    }

    public static KeyPair rsa() throws GeneralSecurityException {
        return KeyPairs.rsa();
    }

    public static Issued ca(String cn) throws GeneralSecurityException {
        KeyPair k = rsa();
        return new Issued(k, CertificateAuthority.create(cn, k, Duration.ofDays(1), Clock.systemUTC()).cert());
    }

    /**
     * A certificate for {@code subject} (e.g. "O=system:masters,CN=admin") signed by {@code ca}, valid {@code days}
     * (negative: expired), for serving and client use; with {@code ipSan}, also for that IP and "localhost".
     */
    public static Issued issue(Issued ca, String subject, String ipSan, long days) throws GeneralSecurityException {
        String cn = "";
        List<String> organizations = new ArrayList<>();
        for (String rdn : subject.split(",")) {
            String[] kv = rdn.trim().split("=", 2);
            if (kv[0].equals("CN")) {
                cn = kv[1];
            } else if (kv[0].equals("O")) {
                organizations.add(kv[1]);
            }
        }
        KeyPair k = rsa();
        CertSpec spec = new CertSpec(cn, organizations, ipSan == null ? List.of() : List.of("localhost"),
                ipSan == null ? List.of() : List.of(ipSan), KeyUsages.SERVER_AND_CLIENT, Duration.ofDays(days));
        return new Issued(k, new CertificateAuthority(ca.cert(), ca.keys().getPrivate()).sign(spec, k.getPublic(),
                Clock.systemUTC()));
    }

    /** PEM of a certificate, a key pair or private key (PKCS#1 for RSA), a public key, or a BouncyCastle PEM object. */
    public static String pem(Object o) {
        if (o instanceof X509Certificate c) {
            return Pem.encode(c);
        }
        if (o instanceof KeyPair kp) {
            return Pem.encode(kp.getPrivate());
        }
        if (o instanceof PrivateKey k) {
            return Pem.encode(k);
        }
        if (o instanceof PublicKey k) {
            return Pem.encode(k);
        }
        if (o instanceof org.bouncycastle.util.io.pem.PemObjectGenerator g) {
            // a ready PEM object, e.g. a PKCS#8 key from JcaPKCS8Generator
            java.io.StringWriter out = new java.io.StringWriter();
            try (org.bouncycastle.util.io.pem.PemWriter w = new org.bouncycastle.util.io.pem.PemWriter(out)) {
                w.writeObject(g);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toString();
        }
        throw new IllegalArgumentException("no PEM form for " + o.getClass());
    }

    public static Path write(Path file, Object... objects) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Object o : objects) {
            sb.append(pem(o));
        }
        return Files.writeString(file, sb);
    }
}
