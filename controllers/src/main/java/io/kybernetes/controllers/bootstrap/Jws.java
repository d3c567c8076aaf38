package io.kybernetes.controllers.bootstrap;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The detached JWS (RFC 7515, compact serialization without the payload) a bootstrap token signs cluster-info's
 * kubeconfig with: {@code <b64url header>..<b64url signature>}, header {@code {"alg":"HS256","kid":"<token-id>"}}
 * (keys sorted, no spaces: a joining node recomputes the whole string and compares), HMAC-SHA256 keyed with the full
 * token {@code <id>.<secret>} over {@code <b64url header>.<b64url payload>}. The JDK's Mac does it: one algorithm,
 * one fixed header, no JOSE library needed.
 */
public final class Jws {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jws() {
    }

    public static String detached(String payload, String tokenId, String tokenSecret) {
        String header = B64.encodeToString(("{\"alg\":\"HS256\",\"kid\":\"" + tokenId + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String input = header + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec((tokenId + "." + tokenSecret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return header + ".." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }
}
