package io.kybernetes.apiserver.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The component schemas of the served kinds, as upstream names them (io.k8s.api.apps.v1.Deployment,
 * io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta...). They are read from the resource openapi/schemas.json, which
 * the test-scope SchemaGenerator writes at build time from the model classes of io.kubernetes:client-java-api
 * (descriptions, JSON names, required fields) and the descriptors of client-java-proto (schema names and types);
 * nothing is derived by reflection at run time.
 */
public final class OpenApiSchemas {

    static final String RESOURCE = "/openapi/schemas.json";
    static final String REF_PREFIX = "#/components/schemas/";

    private final Map<String, ObjectNode> schemas = new TreeMap<>();
    /** "group/version/kind" to schema name, from x-kubernetes-group-version-kind (looked up on every write). */
    private final Map<String, String> byGroupVersionKind = new HashMap<>();

    private OpenApiSchemas(JsonNode root) {
        Iterator<Map.Entry<String, JsonNode>> it = root.path("schemas").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            schemas.put(e.getKey(), (ObjectNode) e.getValue());
        }
        indexKinds();
    }

    private void indexKinds() {
        for (Map.Entry<String, ObjectNode> e : schemas.entrySet()) {
            for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
                byGroupVersionKind.putIfAbsent(gvkKey(gvk.path("group").asText(), gvk.path("version").asText(),
                        gvk.path("kind").asText()), e.getKey());
            }
        }
    }

    private static String gvkKey(String group, String version, String kind) {
        return group + "/" + version + "/" + kind;
    }

    public static OpenApiSchemas load(ObjectMapper mapper) {
        try (InputStream in = OpenApiSchemas.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new OpenApiSchemas(mapper.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    private OpenApiSchemas(Map<String, ObjectNode> all) {
        schemas.putAll(all);
        indexKinds();
    }

    /** These schemas plus {@code extra} (custom resources' schemas, which reference the built-in ones). */
    public OpenApiSchemas with(Map<String, ObjectNode> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        Map<String, ObjectNode> all = new TreeMap<>(schemas);
        all.putAll(extra);
        return new OpenApiSchemas(all);
    }

    /** Every schema name, sorted. */
    public Set<String> names() {
        return schemas.keySet();
    }

    public Optional<ObjectNode> schema(String name) {
        return Optional.ofNullable(schemas.get(name));
    }

    /** The name of the schema that carries this group/version/kind in x-kubernetes-group-version-kind. */
    public Optional<String> nameOf(String group, String version, String kind) {
        return Optional.ofNullable(byGroupVersionKind.get(gvkKey(group, version, kind)));
    }

    /** The named schemas and every schema they reference, transitively, sorted by name. */
    public Set<String> closure(Set<String> roots) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            ObjectNode schema = schemas.get(name);
            if (schema == null || !seen.add(name)) {
                continue;
            }
            collectRefs(schema, todo);
        }
        return seen;
    }

    /** Resolves a property schema: follows $ref and single-element allOf wrappers. */
    JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int i = 0; i < 8; i++) {
            if (current.has("$ref")) {
                ObjectNode target = schemas.get(current.get("$ref").asText().substring(REF_PREFIX.length()));
                if (target == null) {
                    return current;
                }
                current = target;
            } else if (current.path("allOf").size() == 1 && !current.has("properties")) {
                current = current.get("allOf").get(0);
            } else {
                return current;
            }
        }
        return current;
    }

    private static void collectRefs(JsonNode node, Deque<String> todo) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(REF_PREFIX)) {
                todo.push(ref.asText().substring(REF_PREFIX.length()));
            }
            node.elements().forEachRemaining(child -> collectRefs(child, todo));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectRefs(child, todo));
        }
    }
}
