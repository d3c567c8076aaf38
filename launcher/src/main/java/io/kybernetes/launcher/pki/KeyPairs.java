package io.kybernetes.launcher.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.KeyFactory;

/** Key pairs: ECDSA P-256 for certificates (fast to make and use), RSA 2048 where RS256 is needed (sa.key). */
public final class KeyPairs {

    private KeyPairs() {
    }

    public static KeyPair ecdsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no ECDSA P-256 in this JVM", e);
        }
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA in this JVM", e);
        }
    }

    /** The signature algorithm a CA with {@code key} signs with. */
    static String signatureAlgorithm(PrivateKey key) {
        return key instanceof ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA";
    }

    /** The public half of an RSA private key (PKCS#1/PKCS#8 files hold it as the CRT parameters). */
    public static PublicKey rsaPublic(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof RSAPrivateCrtKey k)) {
            throw new GeneralSecurityException("not an RSA private key with CRT parameters");
        }
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(k.getModulus(),
                k.getPublicExponent()));
    }
}
