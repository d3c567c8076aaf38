package io.kybernetes.apiserver.json;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** JSON trees: the one representation of objects inside the apiserver (storage, patches, strategies). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final YAMLMapper YAML = new YAMLMapper();
    public static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return F.objectNode();
    }

    public static ArrayNode array() {
        return F.arrayNode();
    }

    public static JsonNode parse(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    public static JsonNode parseYaml(byte[] body) throws IOException {
        return YAML.readTree(body);
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The object at a dotted path, creating the objects on the way. */
    public static ObjectNode with(ObjectNode root, String... path) {
        ObjectNode cur = root;
        for (String p : path) {
            JsonNode next = cur.get(p);
            if (!(next instanceof ObjectNode)) {
                next = cur.putObject(p);
            }
            cur = (ObjectNode) next;
        }
        return cur;
    }

    /** The node at a dotted path, or a missing node. */
    public static JsonNode at(JsonNode root, String dotted) {
        JsonNode cur = root;
        for (String p : dotted.split("\\.")) {
            if (cur == null) {
                break;
            }
            cur = cur.get(p);
        }
        return cur == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : cur;
    }

    public static String str(JsonNode root, String dotted) {
        JsonNode n = at(root, dotted);
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    /** RFC 3339 with second precision, as meta/v1 Time. */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** RFC 3339 with microseconds, as meta/v1 MicroTime. */
    public static String nowMicro() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    }
}
