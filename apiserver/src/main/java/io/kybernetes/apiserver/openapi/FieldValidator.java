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
