package io.kybernetes.kubelet.server;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code --authorization-mode}: AlwaysAllow, or Webhook, which asks the API server with a SubjectAccessReview
 * (resource {@code nodes}, the request's verb and subresource, name = this node) and caches allowed answers for
 * {@code --authorization-webhook-cache-authorized-ttl} and denied ones for the unauthorized TTL, as upstream.
 */
public final class KubeletAuthorizer {

    /** Asks the API server: true when the user may do what the attributes say. Throws when it cannot tell. */
    @FunctionalInterface
    public interface AccessReviewer {
        boolean allowed(KubeletUser user, RequestAttributes attributes) throws Exception;
    }

    private record Key(String user, String uid, List<String> groups, String verb, String subresource, String node) {
    }

    private final AccessReviewer reviewer;
    private final Duration allowedTtl;
    private final Duration deniedTtl;
    private final TtlCache<Key, Boolean> cache;

    private KubeletAuthorizer(AccessReviewer reviewer, Duration allowedTtl, Duration deniedTtl, Clock clock) {
        this.reviewer = reviewer;
        this.allowedTtl = allowedTtl;
        this.deniedTtl = deniedTtl;
        this.cache = new TtlCache<>(clock, 4096);
    }

    public static KubeletAuthorizer alwaysAllow() {
        return new KubeletAuthorizer(null, Duration.ZERO, Duration.ZERO, Clock.systemUTC());
    }

    public static KubeletAuthorizer webhook(AccessReviewer reviewer, Duration allowedTtl, Duration deniedTtl,
            Clock clock) {
        return new KubeletAuthorizer(reviewer, allowedTtl, deniedTtl, clock);
    }

    /** The authorizer a mode names; anything else is an error (the kubelet refuses to start). */
    public static KubeletAuthorizer forMode(String mode, AccessReviewer reviewer, Duration allowedTtl,
            Duration deniedTtl) {
        return switch (mode.trim()) {
            case "AlwaysAllow" -> alwaysAllow();
            case "Webhook" -> webhook(reviewer, allowedTtl, deniedTtl, Clock.systemUTC());
            default -> throw new IllegalArgumentException("--authorization-mode: unknown mode \"" + mode
                    + "\" (AlwaysAllow or Webhook)");
        };
    }

    public boolean alwaysAllows() {
        return reviewer == null;
    }

    public boolean authorize(KubeletUser user, RequestAttributes a) throws Exception {
        if (reviewer == null) {
            return true;
        }
        Key key = new Key(user.name(), user.uid(), user.groups(), a.verb(), a.subresource(), a.node());
        Boolean cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        boolean allowed = reviewer.allowed(user, a);
        cache.put(key, allowed, allowed ? allowedTtl : deniedTtl);
        return allowed;
    }
}
