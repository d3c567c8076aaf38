package io.kybernetes.kubelet.server;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who is calling, in upstream's order: a client certificate verified against {@code --client-ca-file} (CN = user,
 * each O = a group), then a bearer token checked by a TokenReview ({@code --authentication-token-webhook}, answers
 * cached for {@code --authentication-token-webhook-cache-ttl}), then anonymous ({@code --anonymous-auth}). A token
 * the webhook rejects is 401 even when anonymous requests are allowed, as upstream. Authenticated users are also in
 * {@code system:authenticated}.
 */
public final class KubeletAuthenticator {

    /** Checks a bearer token: the user, or null when the token is not valid. Throws when it cannot tell. */
    @FunctionalInterface
    public interface TokenReviewer {
        KubeletUser review(String token) throws Exception;
    }

    /** The outcome: a user, or the reason for a 401. */
    public record Result(KubeletUser user, String failure) {
        static Result ok(KubeletUser u) {
            return new Result(u, null);
        }

        static Result unauthorized(String why) {
            return new Result(null, why);
        }

        public boolean authenticated() {
            return user != null;
        }
    }

    private final boolean x509;
    private final TokenReviewer tokens;
    private final Duration tokenTtl;
    private final boolean anonymous;
    private final TtlCache<String, java.util.Optional<KubeletUser>> cache;

    /** {@code x509}: a client CA is configured; {@code tokens}: null without the token webhook. */
    public KubeletAuthenticator(boolean x509, TokenReviewer tokens, Duration tokenTtl, boolean anonymous, Clock clock) {
        this.x509 = x509;
        this.tokens = tokens;
        this.tokenTtl = tokenTtl;
        this.anonymous = anonymous;
        this.cache = new TtlCache<>(clock, 4096);
    }

    /** True when every request is anonymous and allowed to be (no work to do per request). */
    public boolean trivial() {
        return !x509 && tokens == null && anonymous;
    }

    /**
     * {@code peer}: the verified client certificate chain (null or empty without one); {@code authorization}: the
     * Authorization header or null.
     */
    public Result authenticate(Certificate[] peer, String authorization) {
        if (x509 && peer != null && peer.length > 0 && peer[0] instanceof X509Certificate c) {
            KubeletUser u = fromCertificate(c);
            if (u != null) {
                return Result.ok(u);
            }
        }
        String token = bearer(authorization);
        if (token != null && tokens != null) {
            java.util.Optional<KubeletUser> cached = cache.get(token);
            if (cached == null) {
                try {
                    KubeletUser u = tokens.review(token);
                    cached = java.util.Optional.ofNullable(u == null ? null : authenticated(u));
                    cache.put(token, cached, tokenTtl);
                } catch (Exception e) {
                    return Result.unauthorized("token review failed: " + e.getMessage());
                }
            }
            return cached.map(Result::ok).orElseGet(() -> Result.unauthorized("invalid bearer token"));
        }
        if (anonymous) {
            return Result.ok(KubeletUser.ANONYMOUS);
        }
        return Result.unauthorized("no credentials");
    }

    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = a.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    /** CN = user name, each O = a group (in certificate order); null without a CN. */
    static KubeletUser fromCertificate(X509Certificate c) {
        String cn = null;
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && cn == null) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString()); // getRdns() is in certificate (ASN.1) order
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        if (cn == null || cn.isEmpty()) {
            return null;
        }
        return authenticated(new KubeletUser(cn, "", groups, Map.of()));
    }

    private static KubeletUser authenticated(KubeletUser u) {
        if (u.groups().contains("system:authenticated")) {
            return u;
        }
        List<String> g = new ArrayList<>(u.groups());
        g.add("system:authenticated");
        return new KubeletUser(u.name(), u.uid(), List.copyOf(g), u.extra());
    }
}
