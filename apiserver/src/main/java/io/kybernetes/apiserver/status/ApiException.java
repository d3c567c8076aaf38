package io.kybernetes.apiserver.status;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

/** An API error that becomes a meta/v1 Status with the upstream code and reason. */
public class ApiException extends RuntimeException {

    private final int code;
    private final String reason;
    private final String name;
    private final String group;
    private final String kind;
    private final List<Cause> causes;
    private final Integer retryAfterSeconds;
    private String continueToken;

    public ApiException(int code, String reason, String message, String name, String group, String kind,
            List<Cause> causes, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.name = name;
        this.group = group;
        this.kind = kind;
        this.causes = causes == null ? List.of() : causes;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, null, null, null, null, null);
    }

    private static String qualified(String resource, String group) {
        return group == null || group.isEmpty() ? resource : resource + "." + group;
    }

    public static ApiException notFound(String group, String resource, String name) {
        return new ApiException(404, "NotFound", qualified(resource, group) + " \"" + name + "\" not found", name, group,
                resource, null, null);
    }

    public static ApiException alreadyExists(String group, String resource, String name) {
        return new ApiException(409, "AlreadyExists", qualified(resource, group) + " \"" + name + "\" already exists",
                name, group, resource, null, null);
    }

    public static ApiException conflict(String group, String resource, String name, String why) {
        return new ApiException(409, "Conflict",
                "Operation cannot be fulfilled on " + qualified(resource, group) + " \"" + name + "\": " + why, name,
                group, resource, null, null);
    }

    public static ApiException modified(String group, String resource, String name) {
        return conflict(group, resource, name,
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    public static ApiException invalid(String group, String kind, String name, List<Cause> causes) {
        String what = causes.size() == 1 ? causes.get(0).text()
                : "[" + String.join(", ", causes.stream().map(Cause::text).toList()) + "]";
        return new ApiException(422, "Invalid", qualified(kind, group) + " \"" + name + "\" is invalid: " + what, name,
                group, kind, causes, null);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "MethodNotAllowed", message);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
                + " (got \"" + contentType + "\")");
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Expired", message);
    }

    public static ApiException pageNotFound() {
        return new ApiException(404, "NotFound", "the server could not find the requested resource");
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message);
    }

    /** Sets the Status's metadata.continue (an expired list's token to go on inconsistently). */
    public ApiException withContinue(String token) {
        this.continueToken = token;
        return this;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The meta/v1 Status object. */
    public ObjectNode toStatus() {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        ObjectNode meta = s.putObject("metadata");
        if (continueToken != null) {
            meta.put("continue", continueToken);
        }
        s.put("status", "Failure");
        s.put("message", getMessage());
        s.put("reason", reason);
        if (name != null || kind != null || !causes.isEmpty() || retryAfterSeconds != null) {
            ObjectNode d = s.putObject("details");
            if (name != null) {
                d.put("name", name);
            }
            if (group != null && !group.isEmpty()) {
                d.put("group", group);
            }
            if (kind != null) {
                d.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode a = d.putArray("causes");
                for (Cause c : causes) {
                    ObjectNode cause = a.addObject().put("reason", c.reason()).put("message", c.message());
                    if (c.field() != null) {
                        cause.put("field", c.field());
                    }
                }
            }
            if (retryAfterSeconds != null) {
                d.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        s.put("code", code);
        return s;
    }
}
