package io.kybernetes.controllers.bootstrap;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What the bootstrap token controllers read from a Secret {@code kube-system/bootstrap-token-<id>} of type
 * {@code bootstrap.kubernetes.io/token}: its token-id and token-secret, its optional RFC 3339 expiration and its
 * usage-bootstrap-* flags (all base64 in data, as stored).
 */
public final class TokenSecrets {

    public static final String NAMESPACE = "kube-system";
    public static final String TYPE = "bootstrap.kubernetes.io/token";
    public static final String PREFIX = "bootstrap-token-";
    static final Pattern ID = Pattern.compile("[a-z0-9]{6}");
    static final Pattern SECRET = Pattern.compile("[a-z0-9]{16}");

    private TokenSecrets() {
    }

    /** A Secret of kube-system of the bootstrap token type. */
    public static boolean isToken(Secret s) {
        return s != null && NAMESPACE.equals(s.getMetadata().getNamespace()) && TYPE.equals(s.getType());
    }

    /** A data value, decoded; null when absent or not base64. */
    public static String data(Secret s, String key) {
        if (s.getData() == null || s.getData().get(key) == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** When the token expires; null when it does not, or when its expiration is unreadable (upstream: kept). */
    public static Instant expiration(Secret s) {
        String e = data(s, "expiration");
        if (e == null || e.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(e).toInstant();
        } catch (DateTimeParseException bad) {
            return null;
        }
    }

    /** Whether the token has not expired at {@code now}; an unreadable expiration is not trusted. */
    public static boolean validAt(Secret s, Instant now) {
        String e = data(s, "expiration");
        if (e == null || e.isEmpty()) {
            return true;
        }
        Instant at = expiration(s);
        return at != null && now.isBefore(at);
    }

    /** A token's two parts. */
    public record Token(String id, String secret) {
    }

    /** The token-id and token-secret when the Secret holds a well-formed token named after its id, else null. */
    public static Token token(Secret s) {
        String id = data(s, "token-id");
        String secret = data(s, "token-secret");
        if (id == null || secret == null || !ID.matcher(id).matches() || !SECRET.matcher(secret).matches()
                || !(PREFIX + id).equals(s.getMetadata().getName())) {
            return null;
        }
        return new Token(id, secret);
    }
}
