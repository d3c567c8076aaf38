package io.kybernetes.apiserver.authentication;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

/**
 * ServiceAccount JSON Web Tokens, RS256 with the JDK's signature API (a JWT is three base64url parts; a JOSE
 * library would add a dependency for one algorithm). Claims as upstream's bound tokens: iss, sub
 * {@code system:serviceaccount:<ns>:<name>}, aud, exp, nbf, iat, jti and {@code kubernetes.io} with the namespace,
 * the service account's name and uid and, for pod-bound tokens, the pod's name and uid.
 */
public final class ServiceAccountTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    public static final String PREFIX = "system:serviceaccount:";

    /** What a verified token says. */
    public record Claims(String issuer, List<String> audiences, String namespace, String serviceAccount,
            String serviceAccountUid, String podName, String podUid, long expiresAt, String id) {

        public UserInfo user() {
            Map<String, List<String>> extra = new java.util.LinkedHashMap<>();
            if (podName != null) {
                extra.put("authentication.kubernetes.io/pod-name", List.of(podName));
                extra.put("authentication.kubernetes.io/pod-uid", List.of(podUid));
            }
            if (id != null) {
                extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + id));
            }
            return new UserInfo(PREFIX + namespace + ":" + serviceAccount, serviceAccountUid,
                    List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace), extra);
        }
    }

    private final PrivateKey signingKey;
    private final String signingKid;
    private final List<PublicKey> verifyKeys;
    private final String issuer;
    private final List<String> apiAudiences;

    public ServiceAccountTokens(PrivateKey signingKey, PublicKey signingPublic, List<PublicKey> verifyKeys,
            String issuer, List<String> apiAudiences) {
        this.signingKey = signingKey;
        this.signingKid = signingPublic == null ? null : keyId(signingPublic);
        this.verifyKeys = List.copyOf(verifyKeys);
        this.issuer = issuer;
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    public boolean canSign() {
        return signingKey != null;
    }

    public String issuer() {
        return issuer;
    }

    public List<String> apiAudiences() {
        return apiAudiences;
    }

    /** Upstream's key id: the base64url SHA-256 of the DER public key. */
    static String keyId(PublicKey key) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed token for a service account, optionally bound to a pod. */
    public String sign(String namespace, String sa, String saUid, String podName, String podUid,
            List<String> audiences, long nowSeconds, long expirationSeconds, String id) {
        ObjectNode header = Json.object().put("alg", "RS256").put("kid", signingKid);
        ObjectNode c = Json.object();
        audiences.forEach(c.withArray("aud")::add);
        c.put("exp", nowSeconds + expirationSeconds);
        c.put("iat", nowSeconds);
        c.put("iss", issuer);
        c.put("jti", id);
        ObjectNode k = c.putObject("kubernetes.io");
        k.put("namespace", namespace);
        if (podName != null) {
            k.putObject("pod").put("name", podName).put("uid", podUid);
        }
        k.putObject("serviceaccount").put("name", sa).put("uid", saUid);
        c.put("nbf", nowSeconds);
        c.put("sub", PREFIX + namespace + ":" + sa);
        String input = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(c.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(signingKey);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service account token: " + e.getMessage(), e);
        }
    }

    /**
     * The claims of a token this issuer signed, still valid at {@code nowSeconds}, for one of the API audiences;
     * null when the token is not a JWT of ours (another authenticator may know it); throws
     * IllegalArgumentException when it is ours but invalid (expired, bad signature, wrong audience).
     */
    public Claims verify(String token, long nowSeconds) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || verifyKeys.isEmpty()) {
            return null;
        }
        JsonNode header;
        JsonNode claims;
        byte[] sig;
        try {
            header = Json.parse(D64.decode(parts[0]));
            claims = Json.parse(D64.decode(parts[1]));
            sig = D64.decode(parts[2]);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
        if (header == null || claims == null || !claims.isObject()) {
            return null;
        }
        if (!issuer.equals(claims.path("iss").asText())) {
            return null;
        }
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new IllegalArgumentException("unsupported signing algorithm " + header.path("alg").asText());
        }
        boolean ok = false;
        for (PublicKey key : verifyKeys) {
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initVerify(key);
                s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                if (s.verify(sig)) {
                    ok = true;
                    break;
                }
            } catch (GeneralSecurityException e) {
                // not this key
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("invalid signature");
        }
        long exp = claims.path("exp").asLong(0);
        if (exp != 0 && nowSeconds >= exp) {
            throw new IllegalArgumentException("token has expired");
        }
        if (claims.has("nbf") && nowSeconds + 60 < claims.path("nbf").asLong()) {
            throw new IllegalArgumentException("token is not valid yet");
        }
        List<String> aud = new java.util.ArrayList<>();
        JsonNode a = claims.path("aud");
        if (a.isTextual()) {
            aud.add(a.asText());
        } else {
            a.forEach(x -> aud.add(x.asText()));
        }
        if (aud.stream().noneMatch(apiAudiences::contains)) {
            throw new IllegalArgumentException("token audiences " + aud + " is invalid for the target audiences "
                    + apiAudiences);
        }
        JsonNode k = claims.path("kubernetes.io");
        String sub = claims.path("sub").asText();
        String ns = k.path("namespace").asText();
        String name = k.path("serviceaccount").path("name").asText();
        if (ns.isEmpty() || name.isEmpty() || !sub.equals(PREFIX + ns + ":" + name)) {
            throw new IllegalArgumentException("token does not name a service account");
        }
        JsonNode pod = k.path("pod");
        return new Claims(issuer, aud, ns, name, k.path("serviceaccount").path("uid").asText(),
                pod.isObject() ? pod.path("name").asText() : null, pod.isObject() ? pod.path("uid").asText() : null,
                exp, claims.hasNonNull("jti") ? claims.get("jti").asText() : null);
    }
}
