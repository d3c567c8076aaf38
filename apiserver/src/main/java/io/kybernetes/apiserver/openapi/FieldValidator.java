package io.kybernetes.apiserver.openapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Server-side field validation (the {@code fieldValidation=Strict|Warn} query parameter kubectl sends once the
 * OpenAPI documents advertise it): finds the fields of a request object that its kind's schema does not declare.
 */
@ApplicationScoped
public class FieldValidator {

    private final OpenApiSchemas schemas;

    public FieldValidator() {
        this(OpenApiSchemas.load(new ObjectMapper()));
    }

    FieldValidator(OpenApiSchemas schemas) {
        this.schemas = schemas;
    }

    /**
     * The paths of the unknown fields ("spec.template.spec.containers[0].imagee"), in document order; empty when all
     * fields are known or the kind has no schema (then nothing can be said).
     */
    public List<String> unknownFields(String apiVersion, String kind, JsonNode object) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        List<String> unknown = new ArrayList<>();
        schemas.nameOf(group, version, kind).flatMap(schemas::schema)
                .ifPresent(schema -> walk(schema, object, "", unknown));
        return unknown;
    }

    /** The upstream error text for Strict validation, e.g. {@code strict decoding error: unknown field "spec.x"}. */
    public Optional<String> strictDecodingError(String apiVersion, String kind, JsonNode object) {
        List<String> unknown = unknownFields(apiVersion, kind, object);
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder message = new StringBuilder("strict decoding error: ");
        for (int i = 0; i < unknown.size(); i++) {
            message.append(i == 0 ? "" : ", ").append("unknown field \"").append(unknown.get(i)).append('"');
        }
        return Optional.of(message.toString());
    }

    /**
     * The first value whose JSON type the kind's schema does not allow (an array where an object belongs, a string
     * for an integer...), as the decode error upstream answers with 400; empty when every value fits.
     */
    public Optional<String> typeError(String apiVersion, String kind, JsonNode object) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        return schemas.nameOf(group, version, kind).flatMap(schemas::schema)
                .flatMap(schema -> typeWalk(schema, object, kind, ""));
    }

    private Optional<String> typeWalk(JsonNode schemaNode, JsonNode value, String kind, String path) {
        if (value == null || value.isNull()) {
            return Optional.empty(); // null decodes to the zero value of any type
        }
        String ref = schemaNode.path("$ref").asText(schemaNode.path("allOf").path(0).path("$ref").asText(""));
        JsonNode schema = schemas.resolve(schemaNode);
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                || schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return Optional.empty();
        }
        String type = schema.path("type").asText("");
        // Quantity and IntOrString decode from a JSON number as well as from a string
        boolean quantity = ref.endsWith("resource.Quantity") || ref.endsWith("intstr.IntOrString")
                || "int-or-string".equals(schema.path("format").asText());
        boolean fits = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual() || (quantity && value.isNumber());
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!fits) {
            return Optional.of("json: cannot unmarshal " + jsonType(value) + " into Go struct field " + kind + "."
                    + path + " of type " + (schema.has("additionalProperties") ? "map" : type));
        }
        if (value.isObject()) {
            JsonNode properties = schema.get("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode property = properties == null ? null : properties.get(field.getKey());
                if (property == null && additional != null && additional.isObject()) {
                    property = additional;
                }
                if (property != null) {
                    String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                    Optional<String> e = typeWalk(property, field.getValue(), kind, child);
                    if (e.isPresent()) {
                        return e;
                    }
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                Optional<String> e = typeWalk(schema.get("items"), value.get(i), kind, path);
                if (e.isPresent()) {
                    return e;
                }
            }
        }
        return Optional.empty();
    }

    private static String jsonType(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        return "number";
    }

    private void walk(JsonNode schemaNode, JsonNode value, String path, List<String> unknown) {
        JsonNode schema = schemas.resolve(schemaNode);
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (value.isObject()) {
            JsonNode properties = schema.get("properties");
            JsonNode additional = schema.get("additionalProperties");
            if (properties == null && (additional == null || !additional.isObject())) {
                return; // a free-form object, or a scalar schema given an object: not a question of unknown fields
            }
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode property = properties == null ? null : properties.get(field.getKey());
                if (property != null) {
                    walk(property, field.getValue(), child, unknown);
                } else if (additional != null && additional.isObject()) {
                    walk(additional, field.getValue(), child, unknown);
                } else {
                    unknown.add(child);
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                walk(schema.get("items"), value.get(i), path + "[" + i + "]", unknown);
            }
        }
    }
}
