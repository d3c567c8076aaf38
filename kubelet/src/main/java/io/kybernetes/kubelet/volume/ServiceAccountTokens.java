package io.kybernetes.kubelet.volume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The tokens of projected {@code serviceAccountToken} sources, as upstream's token manager keeps them: one
 * TokenRequest per (namespace, service account, audience, expiration, pod) bound to the pod (boundObjectRef kind
 * Pod, name, uid), reused until 80% of its lifetime has passed or it is 24 h old, then requested again. The pod's
 * periodic sync rewrites the file (through {@link AtomicWriter}) when the token changed.
 */
public final class ServiceAccountTokens {

    private static final Logger LOG = Logger.getLogger(ServiceAccountTokens.class);
    /** The API's default for a projection without expirationSeconds. */
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    /** A token older than this is refreshed whatever its lifetime. */
    static final Duration MAX_TTL = Duration.ofHours(24);

    /** Asks the API server for a token. */
    @FunctionalInterface
    public interface Requester {
        TokenRequest request(String namespace, String serviceAccount, TokenRequest request);
    }

    /** A token and when it expires, as the API server answered. */
    record Issued(String token, Instant expires, long expirationSeconds) {
    }

    record Key(String namespace, String serviceAccount, String audience, long expirationSeconds, String podUid) {
    }

    private final Requester requester;
    private final Clock clock;
    private final Map<Key, Issued> tokens = new ConcurrentHashMap<>();

    public ServiceAccountTokens(KubernetesClient client) {
        this((ns, sa, tr) -> client.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(tr), Clock.systemUTC());
    }

    ServiceAccountTokens(Requester requester, Clock clock) {
        this.requester = requester;
        this.clock = clock;
    }

    /** The token for a projection of the pod, from the cache while it is fresh, else a new one. */
    public String token(Pod pod, ServiceAccountTokenProjection p) {
        String ns = pod.getMetadata().getNamespace();
        String sa = pod.getSpec().getServiceAccountName();
        if (sa == null || sa.isEmpty()) {
            sa = "default";
        }
        String audience = p.getAudience() == null ? "" : p.getAudience();
        long seconds = p.getExpirationSeconds() == null ? DEFAULT_EXPIRATION_SECONDS : p.getExpirationSeconds();
        Key key = new Key(ns, sa, audience, seconds, pod.getMetadata().getUid());
        Issued have = tokens.get(key);
        if (have != null && !requiresRefresh(clock.instant(), have.expires(), have.expirationSeconds())) {
            return have.token();
        }
        TokenRequest answer = requester.request(ns, sa, new TokenRequestBuilder().withNewSpec()
                .withAudiences(audience.isEmpty() ? List.of() : List.of(audience)).withExpirationSeconds(seconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build());
        if (answer == null || answer.getStatus() == null || answer.getStatus().getToken() == null) {
            throw new IllegalStateException("the API server returned no token for service account " + ns + "/" + sa);
        }
        Instant expires = answer.getStatus().getExpirationTimestamp() == null
                ? clock.instant().plusSeconds(seconds) : Instant.parse(answer.getStatus().getExpirationTimestamp());
        long granted = answer.getSpec() != null && answer.getSpec().getExpirationSeconds() != null
                ? answer.getSpec().getExpirationSeconds() : seconds;
        tokens.put(key, new Issued(answer.getStatus().getToken(), expires, granted));
        LOG.debugf("pod %s/%s: token for service account %s (audience %s) valid until %s", ns,
                pod.getMetadata().getName(), sa, audience.isEmpty() ? "<default>" : audience, expires);
        return answer.getStatus().getToken();
    }

    /**
     * Upstream's rule: refresh once the token is older than 24 h, or when less than 20% of its lifetime is left
     * (its issue time is the expiry minus the lifetime the API server granted).
     */
    static boolean requiresRefresh(Instant now, Instant expires, long expirationSeconds) {
        Instant issued = expires.minusSeconds(expirationSeconds);
        if (now.isAfter(issued.plus(MAX_TTL))) {
            return true;
        }
        return now.isAfter(expires.minusSeconds(expirationSeconds * 20 / 100));
    }

    /** Drops the tokens of a pod that is gone. */
    public void forget(String podUid) {
        tokens.keySet().removeIf(k -> k.podUid().equals(podUid));
    }

    int size() {
        return tokens.size();
    }
}
