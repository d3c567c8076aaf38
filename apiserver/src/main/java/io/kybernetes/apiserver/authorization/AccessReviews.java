package io.kybernetes.apiserver.authorization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.Authenticator;
import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

/**
 * The review APIs, create-only and never stored: authentication.k8s.io SelfSubjectReview ({@code kubectl auth
 * whoami}) and TokenReview; authorization.k8s.io SubjectAccessReview, LocalSubjectAccessReview,
 * SelfSubjectAccessReview ({@code kubectl auth can-i}) and SelfSubjectRulesReview ({@code can-i --list}).
 */
@ApplicationScoped
public class AccessReviews {

    private final Authorizer authorizer;

    public AccessReviews(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public ObjectNode selfSubjectReview(UserInfo user, String path) {
        ObjectNode out = Json.object();
        out.put("kind", "SelfSubjectReview");
        out.put("apiVersion", path.contains("/v1beta1/") ? "authentication.k8s.io/v1beta1"
                : path.contains("/v1alpha1/") ? "authentication.k8s.io/v1alpha1" : "authentication.k8s.io/v1");
        out.putObject("metadata").put("creationTimestamp", java.time.Instant.now().with(
                java.time.temporal.ChronoField.NANO_OF_SECOND, 0).toString());
        out.putObject("status").set("userInfo", user.toJson());
        return out;
    }

    public CompletableFuture<ObjectNode> tokenReview(ObjectNode in, Authenticator authenticator) {
        String token = Json.str(in, "spec.token");
        ObjectNode out = Json.object();
        out.put("kind", "TokenReview");
        out.put("apiVersion", "authentication.k8s.io/v1");
        out.putObject("metadata").put("creationTimestamp", (String) null);
        out.set("spec", in.path("spec").isObject() ? in.get("spec").deepCopy() : Json.object());
        ObjectNode status = out.putObject("status");
        if (token.isEmpty()) {
            throw ApiException.invalid("authentication.k8s.io", "TokenReview", "", List.of(
                    new io.kybernetes.apiserver.status.Cause("FieldValueRequired", "spec.token",
                            "Required value")));
        }
        return authenticator.token(token).handle((u, t) -> {
            if (t != null) {
                status.put("authenticated", false);
                status.put("error", "invalid bearer token");
            } else {
                status.put("authenticated", true);
                status.set("user", u.toJson());
                ArrayNode aud = status.putArray("audiences");
                if (authenticator.serviceAccounts() != null) {
                    authenticator.serviceAccounts().apiAudiences().forEach(aud::add);
                }
            }
            return out;
        });
    }

    /** SubjectAccessReview and friends: the spec's attributes, for the spec's user or the requester. */
    public CompletableFuture<ObjectNode> accessReview(String what, UserInfo requester, String namespace,
            ObjectNode in) {
        String kind = switch (what) {
            case "selfsubjectaccessreviews" -> "SelfSubjectAccessReview";
            case "localsubjectaccessreviews" -> "LocalSubjectAccessReview";
            case "selfsubjectrulesreviews" -> "SelfSubjectRulesReview";
            default -> "SubjectAccessReview";
        };
        JsonNode spec = in.path("spec");
        UserInfo subject = requester;
        if (what.equals("subjectaccessreviews") || what.equals("localsubjectaccessreviews")) {
            String user = spec.path("user").asText("");
            List<String> groups = new ArrayList<>();
            spec.path("groups").forEach(g -> groups.add(g.asText()));
            if (user.isEmpty() && groups.isEmpty()) {
                throw ApiException.invalid("authorization.k8s.io", kind, "", List.of(
                        new io.kybernetes.apiserver.status.Cause("FieldValueRequired", "spec.user",
                                "Required value: at least one of user or group must be specified")));
            }
            Map<String, List<String>> extra = new LinkedHashMap<>();
            spec.path("extra").fields().forEachRemaining(e -> {
                List<String> v = new ArrayList<>();
                e.getValue().forEach(x -> v.add(x.asText()));
                extra.put(e.getKey(), v);
            });
            subject = new UserInfo(user, spec.path("uid").asText(""), groups, extra);
        }
        ObjectNode out = Json.object();
        out.put("kind", kind);
        out.put("apiVersion", "authorization.k8s.io/v1");
        ObjectNode meta = out.putObject("metadata");
        if (what.equals("localsubjectaccessreviews")) {
            meta.put("namespace", namespace);
        }
        out.set("spec", spec.isObject() ? spec.deepCopy() : Json.object());
        ObjectNode status = out.putObject("status");
        if (what.equals("selfsubjectrulesreviews")) {
            String ns = spec.path("namespace").asText("");
            return authorizer.rules(subject, ns).thenApply(rules -> {
                ArrayNode res = status.putArray("resourceRules");
                ArrayNode non = status.putArray("nonResourceRules");
                for (JsonNode r : rules) {
                    if (r.path("resources").isArray() && !r.path("resources").isEmpty()) {
                        ObjectNode rr = res.addObject();
                        rr.set("verbs", r.path("verbs").deepCopy());
                        for (String f : new String[] {"apiGroups", "resources", "resourceNames"}) {
                            if (r.path(f).isArray()) {
                                rr.set(f, r.path(f).deepCopy());
                            }
                        }
                    }
                    if (r.path("nonResourceURLs").isArray() && !r.path("nonResourceURLs").isEmpty()) {
                        ObjectNode nr = non.addObject();
                        nr.set("verbs", r.path("verbs").deepCopy());
                        nr.set("nonResourceURLs", r.path("nonResourceURLs").deepCopy());
                    }
                }
                status.put("incomplete", false);
                return out;
            });
        }
        Attributes a;
        JsonNode ra = spec.path("resourceAttributes");
        JsonNode na = spec.path("nonResourceAttributes");
        if (ra.isObject()) {
            String ns = ra.path("namespace").asText("");
            if (what.equals("localsubjectaccessreviews")) {
                if (!ns.isEmpty() && !ns.equals(namespace)) {
                    throw ApiException.badRequest("spec.resourceAttributes.namespace must match the namespace of "
                            + "the request");
                }
                ns = namespace;
            }
            a = Attributes.resource(subject, ra.path("verb").asText(""), ns, ra.path("group").asText(""),
                    ra.path("resource").asText(""), ra.path("subresource").asText(""), ra.path("name").asText(""));
        } else if (na.isObject()) {
            a = Attributes.nonResource(subject, na.path("verb").asText(""), na.path("path").asText(""));
        } else {
            throw ApiException.invalid("authorization.k8s.io", kind, "", List.of(
                    new io.kybernetes.apiserver.status.Cause("FieldValueRequired", "spec.resourceAttributes",
                            "Required value: exactly one of nonResourceAttributes or resourceAttributes must be "
                                    + "specified")));
        }
        return authorizer.authorize(a).thenApply(d -> {
            status.put("allowed", d.allowed());
            if (d.kind() == Decision.Kind.DENY) {
                status.put("denied", true);
            }
            if (d.reason() != null && !d.reason().isEmpty()) {
                status.put("reason", d.reason());
            }
            return out;
        });
    }
}
