package io.kybernetes.apiserver.patch;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 JSON patch (add, remove, replace, move, copy, test) over Jackson trees. Hand-written to avoid a
 * dependency for about a hundred lines; errors are IllegalArgumentExceptions with the failing operation.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isArray()) {
            throw new IllegalArgumentException("a JSON patch must be an array of operations");
        }
        JsonNode doc = target.deepCopy();
        for (JsonNode op : patch) {
            String kind = op.path("op").asText("");
            String path = text(op, "path");
            switch (kind) {
                case "add" -> doc = add(doc, path, value(op));
                case "remove" -> doc = remove(doc, path);
                case "replace" -> {
                    get(doc, path);
                    doc = add(remove(doc, path), path, value(op));
                }
                case "move" -> {
                    String from = text(op, "from");
                    JsonNode v = get(doc, from);
                    doc = add(remove(doc, from), path, v);
                }
                case "copy" -> doc = add(doc, path, get(doc, text(op, "from")).deepCopy());
                case "test" -> {
                    if (!get(doc, path).equals(value(op))) {
                        throw new IllegalArgumentException("testing value " + path + " failed");
                    }
                }
                default -> throw new IllegalArgumentException("Unexpected kind: " + kind);
            }
        }
        return doc;
    }

    private static String text(JsonNode op, String field) {
        JsonNode v = op.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("operation does not contain a '" + field + "' string: " + op);
        }
        return v.asText();
    }

    private static JsonNode value(JsonNode op) {
        if (!op.has("value")) {
            throw new IllegalArgumentException("operation does not contain a value: " + op);
        }
        return op.get("value").deepCopy();
    }

    static List<String> tokens(String pointer) {
        if (pointer.isEmpty()) {
            return List.of();
        }
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("JSON pointer must start with '/': " + pointer);
        }
        List<String> out = new ArrayList<>();
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    private static JsonNode get(JsonNode doc, String pointer) {
        JsonNode cur = doc;
        for (String t : tokens(pointer)) {
            cur = child(cur, t, pointer);
        }
        return cur;
    }

    private static JsonNode child(JsonNode node, String token, String pointer) {
        JsonNode next = null;
        if (node.isObject()) {
            next = node.get(token);
        } else if (node.isArray()) {
            int i = index(token, node.size() - 1, pointer);
            next = node.get(i);
        }
        if (next == null) {
            throw new IllegalArgumentException("path " + pointer + " does not exist");
        }
        return next;
    }

    private static int index(String token, int max, String pointer) {
        try {
            int i = Integer.parseInt(token);
            if (i < 0 || i > max) {
                throw new IllegalArgumentException("index out of range in " + pointer);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad array index in " + pointer);
        }
    }

    private static JsonNode add(JsonNode doc, String pointer, JsonNode value) {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            return value;
        }
        JsonNode parent = doc;
        for (String s : t.subList(0, t.size() - 1)) {
            parent = child(parent, s, pointer);
        }
        String last = t.get(t.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                a.insert(index(last, a.size(), pointer), value);
            }
        } else {
            throw new IllegalArgumentException("path " + pointer + " does not point into an object or array");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String pointer) {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("cannot remove the whole document");
        }
        JsonNode parent = doc;
        for (String s : t.subList(0, t.size() - 1)) {
            parent = child(parent, s, pointer);
        }
        String last = t.get(t.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (!o.has(last)) {
                throw new IllegalArgumentException("path " + pointer + " does not exist");
            }
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size() - 1, pointer));
        } else {
            throw new IllegalArgumentException("path " + pointer + " does not exist");
        }
        return doc;
    }
}
