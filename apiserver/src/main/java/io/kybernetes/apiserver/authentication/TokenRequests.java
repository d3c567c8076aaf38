package io.kybernetes.apiserver.authentication;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;

/**
 * The TokenRequest API ({@code POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token}, authentication.k8s.io/v1
 * TokenRequest, what {@code kubectl create token} sends): a signed token for the service account, optionally bound
 * to a pod, for the requested audiences (default: the API audiences) and lifetime (default one hour, at least ten
 * minutes).
 */
@ApplicationScoped
public class TokenRequests {

    static final long DEFAULT_SECONDS = 3600;
    static final long MIN_SECONDS = 600;

    private final Authenticator authenticator;
    private final GenericStore store;
    private final Registry registry;

    public TokenRequests(Authenticator authenticator, GenericStore store, Registry registry) {
        this.authenticator = authenticator;
        this.store = store;
        this.registry = registry;
    }

    public CompletableFuture<ObjectNode> create(String ns, String name, ObjectNode request) {
        ServiceAccountTokens tokens = authenticator.serviceAccounts();
        if (tokens == null || !tokens.canSign()) {
            throw ApiException.pageNotFound();
        }
        String kind = request.path("kind").asText("TokenRequest");
        if (!kind.equals("TokenRequest")) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind "
                    + "(TokenRequest)");
        }
        JsonNode spec = request.path("spec");
        long seconds = spec.path("expirationSeconds").asLong(DEFAULT_SECONDS);
        if (seconds < MIN_SECONDS || seconds > (1L << 32)) {
            throw ApiException.invalid("authentication.k8s.io", "TokenRequest", name, List.of(new Cause(
                    "FieldValueInvalid", "spec.expirationSeconds", "Invalid value: " + seconds + ": "
                            + (seconds < MIN_SECONDS ? "may not specify a duration less than 10 minutes"
                                    : "may not specify a duration larger than 2^32 seconds"))));
        }
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        if (audiences.isEmpty()) {
            audiences.addAll(tokens.apiAudiences());
        }
        JsonNode ref = spec.path("boundObjectRef");
        String refKind = ref.path("kind").asText("");
        if (ref.isObject() && !refKind.equals("Pod")) {
            throw ApiException.invalid("authentication.k8s.io", "TokenRequest", name, List.of(new Cause(
                    "FieldValueNotSupported", "spec.boundObjectRef.kind", "Unsupported value: \"" + refKind
                            + "\": supported values: \"Pod\"")));
        }
        CompletableFuture<ObjectNode> sa = store.get(registry.resource("", "v1", "serviceaccounts").orElseThrow(),
                ns, name);
        CompletableFuture<ObjectNode> pod = ref.isObject()
                ? store.get(registry.resource("", "v1", "pods").orElseThrow(), ns, ref.path("name").asText())
                : CompletableFuture.completedFuture(null);
        return sa.thenCombine(pod, (account, p) -> {
            if (p != null && ref.hasNonNull("uid") && !ref.get("uid").asText().equals(Json.str(p, "metadata.uid"))) {
                throw new ApiException(409, "Conflict", "the UID in the bound object reference ("
                        + ref.get("uid").asText() + ") does not match the UID in record. The object might have been "
                        + "deleted and then recreated");
            }
            long now = Instant.now().getEpochSecond();
            String token = tokens.sign(ns, name, Json.str(account, "metadata.uid"),
                    p == null ? null : Json.str(p, "metadata.name"), p == null ? null : Json.str(p, "metadata.uid"),
                    audiences, now, seconds, UUID.randomUUID().toString());
            ObjectNode out = Json.object();
            out.put("kind", "TokenRequest");
            out.put("apiVersion", "authentication.k8s.io/v1");
            out.putObject("metadata").put("name", name).put("namespace", ns)
                    .put("creationTimestamp", Instant.ofEpochSecond(now).toString());
            ObjectNode outSpec = out.putObject("spec");
            audiences.forEach(outSpec.putArray("audiences")::add);
            outSpec.put("expirationSeconds", seconds);
            if (p != null) {
                outSpec.putObject("boundObjectRef").put("kind", "Pod").put("apiVersion", "v1")
                        .put("name", Json.str(p, "metadata.name")).put("uid", Json.str(p, "metadata.uid"));
            } else {
                outSpec.putNull("boundObjectRef");
            }
            out.putObject("status").put("token", token)
                    .put("expirationTimestamp", Instant.ofEpochSecond(now + seconds).toString());
            return out;
        });
    }
}
