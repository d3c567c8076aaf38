package io.kybernetes.launcher.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The kube-public/cluster-info ConfigMap as a joining node checks it (kubeadm's token discovery): its
 * {@code kubeconfig} (cluster server and certificate-authority-data) and the detached JWS
 * {@code jws-kubeconfig-<token id>} = {@code <b64url header>..<b64url signature>}, HS256 over
 * {@code <b64url header>.<b64url kubeconfig>} keyed with the whole token. Only a holder of the token could have
 * signed it, so the CA it names may be trusted even though it was fetched without verifying the server.
 *
 * <p>The JWS is checked with the JDK's HMAC rather than a JOSE library: one fixed algorithm, a detached payload,
 * and the launcher carries no JOSE dependency.
 */
public record ClusterInfo(String kubeconfig, String server, X509Certificate ca) {

    public static final String NAMESPACE = "kube-public";
    public static final String NAME = "cluster-info";
    public static final String JWS_PREFIX = "jws-kubeconfig-";

    private static final Pattern FIELD = Pattern.compile(
            "^\\s*(server|certificate-authority-data):\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /**
     * Verifies {@code jws} over {@code kubeconfig} with {@code token} and reads the kubeconfig's server and CA.
     *
     * @throws GeneralSecurityException when the signature is malformed or does not match (a wrong token), or the
     *                                  kubeconfig carries no CA
     */
    public static ClusterInfo verify(String kubeconfig, String jws, BootstrapToken token)
            throws GeneralSecurityException {
        String[] parts = jws == null ? new String[0] : jws.split("\\.", -1);
        if (parts.length != 3 || !parts[1].isEmpty()) {
            throw new GeneralSecurityException("the cluster-info signature for token id " + token.id()
                    + " is not a detached JWS (<header>..<signature>)");
        }
        String header;
        byte[] signature;
        try {
            header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the cluster-info signature is not base64url: " + e.getMessage(), e);
        }
        if (!header.replace(" ", "").contains("\"alg\":\"HS256\"")) {
            throw new GeneralSecurityException("the cluster-info signature is not HS256 (header " + header + ")");
        }
        byte[] expected = hs256(token, parts[0] + "." + B64URL.encodeToString(
                kubeconfig.getBytes(StandardCharsets.UTF_8)));
        if (!MessageDigest.isEqual(expected, signature)) {
            throw new GeneralSecurityException("the cluster-info ConfigMap's signature does not match token " + token
                    + ": the token is wrong (or the ConfigMap was tampered with)");
        }
        String server = null;
        String caData = null;
        Matcher m = FIELD.matcher(kubeconfig);
        while (m.find()) {
            if (m.group(1).equals("server") && server == null) {
                server = unquote(m.group(2));
            } else if (m.group(1).equals("certificate-authority-data") && caData == null) {
                caData = unquote(m.group(2));
            }
        }
        if (caData == null) {
            throw new GeneralSecurityException("the cluster-info kubeconfig has no certificate-authority-data");
        }
        X509Certificate ca;
        try {
            ca = Pem.certificate(new String(Base64.getDecoder().decode(caData), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the cluster-info CA is not base64: " + e.getMessage(), e);
        }
        return new ClusterInfo(kubeconfig, server, ca);
    }

    /** A YAML scalar without its quotes ('...' or "...": base64 and URLs need no escapes). */
    static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** The detached JWS of {@code kubeconfig} with {@code token}, as the cluster's bootstrap signer makes it. */
    public static String sign(String kubeconfig, BootstrapToken token) throws GeneralSecurityException {
        String header = B64URL.encodeToString(("{\"alg\":\"HS256\",\"kid\":\"" + token.id() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        byte[] sig = hs256(token, header + "." + B64URL.encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)));
        return header + ".." + B64URL.encodeToString(sig);
    }

    private static byte[] hs256(BootstrapToken token, String input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    }
}
