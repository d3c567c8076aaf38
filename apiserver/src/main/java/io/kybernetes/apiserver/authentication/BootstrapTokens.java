package io.kybernetes.apiserver.authentication;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bootstrap tokens as upstream defines them: a bearer token {@code <id>.<secret>} ({@code [a-z0-9]{6}} and
 * {@code [a-z0-9]{16}}) backed by the Secret {@code kube-system/bootstrap-token-<id>} of type
 * {@code bootstrap.kubernetes.io/token} whose data holds token-id, token-secret, an optional RFC 3339 expiration,
 * usage-bootstrap-authentication "true" and optional auth-extra-groups. A valid one is the user
 * {@code system:bootstrap:<id>} in {@code system:bootstrappers} plus the extra groups. The checks are here, apart
 * from where the Secrets come from ({@link BootstrapTokenCache}), so they are tested as plain functions.
 */
public final class BootstrapTokens {

    public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
    public static final String SECRET_PREFIX = "bootstrap-token-";
    public static final String NAMESPACE = "kube-system";
    public static final String USER_PREFIX = "system:bootstrap:";
    public static final String GROUP = "system:bootstrappers";
    static final Pattern TOKEN = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");
    static final Pattern EXTRA_GROUP = Pattern.compile("system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]");

    private BootstrapTokens() {
    }

    /** The id and secret of a token in the bootstrap format, or null when it has another form. */
    public record Parsed(String id, String secret) {
    }

    public static Parsed parse(String token) {
        Matcher m = TOKEN.matcher(token);
        return m.matches() ? new Parsed(m.group(1), m.group(2)) : null;
    }

    /** What a token's Secret says: the user, or why the token is refused. */
    public record Verdict(UserInfo user, String refusal) {
        static Verdict refused(String why) {
            return new Verdict(null, why);
        }
    }

    /**
     * Checks {@code token} against its Secret ({@code null}: none) at {@code now}. The secret is compared in
     * constant time, so the time of a refusal does not tell how much of a guess was right.
     */
    public static Verdict check(Parsed token, JsonNode secret, Instant now) {
        if (secret == null || secret.isMissingNode()) {
            return Verdict.refused("no secret " + SECRET_PREFIX + token.id());
        }
        if (!SECRET_TYPE.equals(secret.path("type").asText())) {
            return Verdict.refused("secret " + SECRET_PREFIX + token.id() + " is not of type " + SECRET_TYPE);
        }
        if (secret.path("metadata").hasNonNull("deletionTimestamp")) {
            return Verdict.refused("secret " + SECRET_PREFIX + token.id() + " is being deleted");
        }
        Map<String, String> data = data(secret);
        byte[] want = data.getOrDefault("token-secret", "").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(want, token.secret().getBytes(StandardCharsets.UTF_8))) {
            return Verdict.refused("wrong secret for bootstrap token " + token.id());
        }
        if (!token.id().equals(data.get("token-id"))) {
            return Verdict.refused("token-id of secret " + SECRET_PREFIX + token.id() + " does not match");
        }
        String why = expired(data.get("expiration"), now);
        if (why != null) {
            return Verdict.refused("bootstrap token " + token.id() + " " + why);
        }
        if (!"true".equals(data.get("usage-bootstrap-authentication"))) {
            return Verdict.refused("bootstrap token " + token.id() + " is not for authentication");
        }
        List<String> groups = new ArrayList<>();
        groups.add(GROUP);
        for (String g : data.getOrDefault("auth-extra-groups", "").split(",")) {
            String group = g.trim();
            if (group.isEmpty()) {
                continue;
            }
            if (!EXTRA_GROUP.matcher(group).matches()) {
                return Verdict.refused("bootstrap token " + token.id() + " has an invalid extra group " + group);
            }
            if (!groups.contains(group)) {
                groups.add(group);
            }
        }
        return new Verdict(new UserInfo(USER_PREFIX + token.id(), "", groups, Map.of()).authenticated(), null);
    }

    /** Why a token with this expiration is no longer valid at {@code now}, or null when it is (or never expires). */
    public static String expired(String expiration, Instant now) {
        if (expiration == null || expiration.isEmpty()) {
            return null;
        }
        try {
            Instant at = java.time.OffsetDateTime.parse(expiration).toInstant();
            return now.isBefore(at) ? null : "expired at " + expiration;
        } catch (DateTimeParseException e) {
            return "has an unreadable expiration " + expiration;
        }
    }

    /** The decoded data of a Secret (base64 values); undecodable values are left out. */
    public static Map<String, String> data(JsonNode secret) {
        Map<String, String> out = new java.util.HashMap<>();
        secret.path("data").fields().forEachRemaining(e -> {
            try {
                out.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException bad) {
                // not base64: the apiserver refuses such secrets, a store written around it may hold one
            }
        });
        return out;
    }
}
