package io.kybernetes.apiserver.admission.webhook;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

/**
 * admission.k8s.io/v1 AdmissionReview: the request a webhook is sent and the reading of its response.
 */
public final class AdmissionReviews {

    private AdmissionReviews() {
    }

    /** What a webhook answered. {@code denial} is set when it refused; {@code patch} (JSONPatch) may be null. */
    public record Verdict(boolean allowed, ApiException denial, JsonNode patch, List<String> warnings) {
    }

    /** A webhook's answer could not be used (upstream: "received invalid webhook response"). */
    public static final class InvalidResponse extends RuntimeException {
        InvalidResponse(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The AdmissionReview sent for {@code a}: {@code version} is the version the object is in (kind and resource
     * carry it; requestKind and requestResource are the same, since nothing is converted for a webhook here).
     */
    public static ObjectNode request(String uid, AdmissionRequest a, String version) {
        ObjectNode review = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode r = review.putObject("request");
        r.put("uid", uid);
        ObjectNode kind = Json.object().put("group", a.group()).put("version", version).put("kind", a.kind());
        ObjectNode resource = Json.object().put("group", a.group()).put("version", version)
                .put("resource", a.resource());
        r.set("kind", kind);
        r.set("resource", resource);
        if (!a.subresource().isEmpty()) {
            r.put("subResource", a.subresource());
        }
        r.set("requestKind", kind.deepCopy());
        r.set("requestResource", resource.deepCopy());
        if (!a.subresource().isEmpty()) {
            r.put("requestSubResource", a.subresource());
        }
        if (!a.name().isEmpty()) {
            r.put("name", a.name());
        }
        if (!a.namespace().isEmpty()) {
            r.put("namespace", a.namespace());
        }
        r.put("operation", a.operation().name());
        r.set("userInfo", userInfo(a.user()));
        r.set("object", a.object() == null ? Json.F.nullNode() : a.object().deepCopy());
        r.set("oldObject", a.oldObject() == null || a.operation() == Operation.CREATE ? Json.F.nullNode()
                : a.oldObject().deepCopy());
        r.put("dryRun", a.dryRun());
        r.set("options", options(a.operation(), a.dryRun()));
        return review;
    }

    static ObjectNode userInfo(UserInfo u) {
        return u.toJson();
    }

    /** The operation's options object (CreateOptions, UpdateOptions, DeleteOptions), as upstream sends it. */
    static JsonNode options(Operation op, boolean dryRun) {
        String kind = switch (op) {
            case CREATE -> "CreateOptions";
            case UPDATE -> "UpdateOptions";
            case DELETE -> "DeleteOptions";
            case CONNECT -> null;
        };
        if (kind == null) {
            return Json.F.nullNode();
        }
        ObjectNode o = Json.object().put("kind", kind).put("apiVersion", "meta.k8s.io/v1");
        if (dryRun) {
            o.putArray("dryRun").add("All");
        }
        return o;
    }

    /** Reads a webhook's AdmissionReview response to the request {@code uid}. */
    public static Verdict response(String webhook, String uid, JsonNode review, boolean mutating) {
        if (!review.isObject()) {
            throw new InvalidResponse("the response is not a JSON object");
        }
        String apiVersion = review.path("apiVersion").asText("");
        if (!apiVersion.equals("admission.k8s.io/v1") || !review.path("kind").asText("").equals("AdmissionReview")) {
            throw new InvalidResponse("expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got "
                    + (apiVersion.isEmpty() ? "/" : apiVersion) + ", Kind=" + review.path("kind").asText(""));
        }
        JsonNode r = review.path("response");
        if (!r.isObject()) {
            throw new InvalidResponse("webhook response was absent");
        }
        if (!r.path("uid").asText("").equals(uid)) {
            throw new InvalidResponse("expected response.uid=\"" + uid + "\", got \"" + r.path("uid").asText("")
                    + "\"");
        }
        List<String> warnings = new ArrayList<>();
        r.path("warnings").forEach(w -> warnings.add(w.asText()));
        boolean allowed = r.path("allowed").asBoolean(false);
        if (!allowed) {
            return new Verdict(false, denial(webhook, r.path("status")), null, warnings);
        }
        JsonNode patch = null;
        String patchText = r.path("patch").asText("");
        if (!patchText.isEmpty()) {
            if (!mutating) {
                throw new InvalidResponse("validating webhook may not return a patch");
            }
            String type = r.path("patchType").asText("");
            if (!type.equals("JSONPatch")) {
                throw new InvalidResponse("unsupported patch type \"" + type + "\"");
            }
            try {
                patch = Json.parse(Base64.getDecoder().decode(patchText));
            } catch (Exception e) {
                throw new InvalidResponse("the patch is not base64-encoded JSON: " + e.getMessage());
            }
        }
        return new Verdict(true, null, patch, warnings);
    }

    /**
     * Upstream's refusal: the webhook's Status with {@code admission webhook "<name>" denied the request: <why>},
     * a code below 400 made 400; the reason as the webhook gave it.
     */
    static ApiException denial(String webhook, JsonNode status) {
        int code = status.path("code").asInt(0);
        if (code < 400) {
            code = 400;
        }
        String deniedBy = "admission webhook \"" + webhook + "\" denied the request";
        String message = status.path("message").asText("");
        String reason = status.path("reason").asText("");
        String text = !message.isEmpty() ? deniedBy + ": " + message
                : !reason.isEmpty() ? deniedBy + ": " + reason : deniedBy + " without explanation";
        return new ApiException(code, reason, text);
    }
}
