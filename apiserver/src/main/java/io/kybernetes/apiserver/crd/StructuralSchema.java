package io.kybernetes.apiserver.crd;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.status.Cause;

/**
 * A custom resource version's openAPIV3Schema applied to an object as upstream does for structural schemas:
 * pruning of fields the schema does not know (unless x-kubernetes-preserve-unknown-fields), defaults of absent
 * fields, and validation of types, required fields, enums, numeric bounds, lengths, item counts and patterns with
 * upstream's messages. Hand-written: the schemas are small JSON trees and only this subset of JSON Schema is
 * allowed in structural schemas' validation.
 */
public final class StructuralSchema {

    private final JsonNode root;

    public StructuralSchema(JsonNode root) {
        this.root = root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
    }

    /** Removes unknown fields and fills in defaults, in place (apiVersion, kind and metadata are kept). */
    public void pruneAndDefault(ObjectNode obj) {
        if (root.isMissingNode()) {
            return;
        }
        JsonNode props = root.path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            if (f.equals("apiVersion") || f.equals("kind") || f.equals("metadata")) {
                continue;
            }
            if (props.has(f)) {
                prune(e.getValue(), props.get(f));
            } else if (!root.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                it.remove();
            }
        }
        defaults(obj, root);
    }

    private static void prune(JsonNode value, JsonNode schema) {
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !schema.has("properties")) {
            return;
        }
        if (value instanceof ObjectNode o) {
            if (schema.has("properties")) {
                JsonNode props = schema.get("properties");
                Iterator<Map.Entry<String, JsonNode>> it = o.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false)
                            && List.of("apiVersion", "kind", "metadata").contains(e.getKey());
                    if (props.has(e.getKey())) {
                        prune(e.getValue(), props.get(e.getKey()));
                    } else if (!embedded && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                        it.remove();
                    }
                }
            } else if (schema.get("additionalProperties") instanceof ObjectNode additional) {
                o.elements().forEachRemaining(v -> prune(v, additional));
            } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                    && !schema.path("additionalProperties").asBoolean(false)
                    && schema.path("type").asText("").equals("object")) {
                o.removeAll();
            }
        } else if (value instanceof ArrayNode a && schema.has("items")) {
            a.forEach(v -> prune(v, schema.get("items")));
        }
    }

    private static void defaults(JsonNode value, JsonNode schema) {
        if (value instanceof ObjectNode o) {
            JsonNode props = schema.path("properties");
            props.fields().forEachRemaining(e -> {
                if (!o.has(e.getKey()) && e.getValue().has("default")) {
                    o.set(e.getKey(), e.getValue().get("default").deepCopy());
                }
                if (o.has(e.getKey())) {
                    defaults(o.get(e.getKey()), e.getValue());
                }
            });
            if (schema.get("additionalProperties") instanceof ObjectNode additional) {
                o.elements().forEachRemaining(v -> defaults(v, additional));
            }
        } else if (value instanceof ArrayNode a && schema.has("items")) {
            a.forEach(v -> defaults(v, schema.get("items")));
        }
    }

    /** The validation errors of the object (apiVersion, kind and metadata are not checked here). */
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        if (root.isMissingNode()) {
            return causes;
        }
        JsonNode props = root.path("properties");
        for (JsonNode r : root.path("required")) {
            if (!obj.has(r.asText()) || obj.get(r.asText()).isNull()) {
                causes.add(Cause.required(r.asText()));
            }
        }
        obj.fields().forEachRemaining(e -> {
            if (props.has(e.getKey()) && !List.of("apiVersion", "kind", "metadata").contains(e.getKey())) {
                check(e.getValue(), props.get(e.getKey()), e.getKey(), causes);
            }
        });
        return causes;
    }

    private static void check(JsonNode v, JsonNode schema, String path, List<Cause> causes) {
        if (v.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                causes.add(Cause.invalid(path, "null", path + " in body must be of type "
                        + schema.path("type").asText("object") + ": \"null\""));
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        if (intOrString) {
            if (!v.isIntegralNumber() && !v.isTextual()) {
                causes.add(Cause.invalid(path, jsonType(v), path + " in body must be of type integer or string: \""
                        + jsonType(v) + "\""));
                return;
            }
        } else if (!type.isEmpty() && !matches(v, type)) {
            causes.add(Cause.invalid(path, jsonType(v), path + " in body must be of type " + type + ": \""
                    + jsonType(v) + "\""));
            return;
        }
        JsonNode en = schema.get("enum");
        if (en != null && en.isArray()) {
            boolean found = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : en) {
                found |= e.equals(v);
                allowed.add(e.isTextual() ? "\"" + e.asText() + "\"" : e.toString());
            }
            if (!found) {
                causes.add(Cause.notSupported(path, v.isTextual() ? v.asText() : v.toString(),
                        "supported values: " + String.join(", ", allowed)));
            }
        }
        if (v.isNumber()) {
            if (schema.has("minimum") && v.asDouble() < schema.get("minimum").asDouble()) {
                causes.add(Cause.invalid(path, v.numberValue(), path + " in body should be greater than or equal to "
                        + schema.get("minimum").asText()));
            }
            if (schema.has("maximum") && v.asDouble() > schema.get("maximum").asDouble()) {
                causes.add(Cause.invalid(path, v.numberValue(), path + " in body should be less than or equal to "
                        + schema.get("maximum").asText()));
            }
        }
        if (v.isTextual()) {
            String s = v.asText();
            if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
                causes.add(new Cause("FieldValueTooLong", path, "Too long: may not be more than "
                        + schema.get("maxLength").asInt() + " bytes"));
            }
            if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
                causes.add(Cause.invalid(path, s, path + " in body should be at least " + schema.get("minLength").asInt()
                        + " chars long"));
            }
            if (schema.has("pattern")) {
                try {
                    if (!Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
                        causes.add(Cause.invalid(path, s, path + " in body should match '"
                                + schema.get("pattern").asText() + "'"));
                    }
                } catch (PatternSyntaxException e) {
                    // an invalid pattern was refused when the CRD was created; nothing to check against
                }
            }
        }
        if (v.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) {
                if (!v.has(r.asText()) || v.get(r.asText()).isNull()) {
                    causes.add(Cause.required(path + "." + r.asText()));
                }
            }
            v.fields().forEachRemaining(e -> {
                if (props.has(e.getKey())) {
                    check(e.getValue(), props.get(e.getKey()), path + "." + e.getKey(), causes);
                } else if (schema.get("additionalProperties") instanceof ObjectNode additional) {
                    check(e.getValue(), additional, path + "." + e.getKey(), causes);
                }
            });
        }
        if (v.isArray()) {
            if (schema.has("maxItems") && v.size() > schema.get("maxItems").asInt()) {
                causes.add(new Cause("FieldValueTooMany", path, "Too many: " + v.size() + ": must have at most "
                        + schema.get("maxItems").asInt() + " items"));
            }
            if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) {
                causes.add(Cause.invalid(path, v.size(), path + " in body should have at least "
                        + schema.get("minItems").asInt() + " items"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < v.size(); i++) {
                    check(v.get(i), schema.get("items"), path + "[" + i + "]", causes);
                }
            }
        }
    }

    private static boolean matches(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static String jsonType(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isArray()) {
            return "array";
        }
        return v.isNull() ? "null" : "object";
    }
}
