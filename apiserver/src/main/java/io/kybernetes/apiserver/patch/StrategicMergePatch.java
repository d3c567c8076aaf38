package io.kybernetes.apiserver.patch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

/**
 * Strategic merge patch (application/strategic-merge-patch+json) over JSON trees. Hand-written: no Java library
 * implements it. Lists merge by the keys of {@link PatchMeta} (others are replaced), and the directives
 * {@code $patch: replace|merge|delete}, {@code $setElementOrder/<list>}, {@code $deleteFromPrimitiveList/<list>},
 * {@code $retainKeys} and null (delete the field) are honoured.
 */
public final class StrategicMergePatch {

    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String ORDER = "$setElementOrder/";
    static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

    private StrategicMergePatch() {
    }

    /** Applies {@code patch} (an object) to {@code original}; the original is not modified. */
    public static JsonNode apply(JsonNode original, JsonNode patch) {
        if (!patch.isObject()) {
            throw new IllegalArgumentException("a strategic merge patch must be a JSON object");
        }
        ObjectNode orig = original != null && original.isObject() ? (ObjectNode) original.deepCopy() : Json.object();
        JsonNode result = mergeMap(orig, (ObjectNode) patch, "");
        return result == null ? Json.object() : result;
    }

    /** Merges a map patch into {@code orig} (owned, mutated); null means "delete this map". */
    static ObjectNode mergeMap(ObjectNode orig, ObjectNode patch, String path) {
        String directive = patch.path(PATCH).asText("");
        if (directive.equals("delete")) {
            return null;
        }
        if (directive.equals("replace")) {
            return clean(patch);
        }
        if (!directive.isEmpty() && !directive.equals("merge")) {
            throw new IllegalArgumentException("Unknown patch type: " + directive + " in map: " + patch);
        }
        Map<String, JsonNode> orders = new HashMap<>();
        Map<String, JsonNode> deletions = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals(PATCH) || key.equals(RETAIN_KEYS)) {
                continue;
            }
            if (key.startsWith(ORDER)) {
                orders.put(key.substring(ORDER.length()), value);
                continue;
            }
            if (key.startsWith(DELETE_PRIMITIVE)) {
                deletions.put(key.substring(DELETE_PRIMITIVE.length()), value);
                continue;
            }
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (value.isNull()) {
                orig.remove(key);
                continue;
            }
            JsonNode current = orig.get(key);
            if (value.isObject()) {
                ObjectNode base = current != null && current.isObject() ? (ObjectNode) current : Json.object();
                ObjectNode merged = mergeMap(base, (ObjectNode) value, childPath);
                if (merged == null) {
                    orig.remove(key);
                } else {
                    orig.set(key, merged);
                }
            } else if (value.isArray()) {
                ArrayNode base = current != null && current.isArray() ? (ArrayNode) current : Json.array();
                orig.set(key, mergeList(base, (ArrayNode) value, childPath));
            } else {
                orig.set(key, value.deepCopy());
            }
        }
        for (Map.Entry<String, JsonNode> d : deletions.entrySet()) {
            JsonNode list = orig.get(d.getKey());
            if (list instanceof ArrayNode a) {
                Set<JsonNode> gone = new HashSet<>();
                d.getValue().forEach(gone::add);
                ArrayNode kept = Json.array();
                a.forEach(v -> {
                    if (!gone.contains(v)) {
                        kept.add(v);
                    }
                });
                orig.set(d.getKey(), kept);
            }
        }
        for (Map.Entry<String, JsonNode> o : orders.entrySet()) {
            JsonNode list = orig.get(o.getKey());
            if (list instanceof ArrayNode a) {
                String childPath = path.isEmpty() ? o.getKey() : path + "." + o.getKey();
                orig.set(o.getKey(), reorder(a, o.getValue(), PatchMeta.mergeKey(childPath)));
            }
        }
        JsonNode retain = patch.get(RETAIN_KEYS);
        if (retain != null && retain.isArray()) {
            Set<String> keep = new HashSet<>();
            retain.forEach(k -> keep.add(k.asText()));
            List<String> names = new ArrayList<>();
            orig.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                if (!keep.contains(n)) {
                    orig.remove(n);
                }
            }
        }
        return orig;
    }

    static ArrayNode mergeList(ArrayNode orig, ArrayNode patch, String path) {
        // a {"$patch": "replace"} element replaces the whole list with the other elements
        for (JsonNode p : patch) {
            if (p.isObject() && p.path(PATCH).asText("").equals("replace")) {
                ArrayNode out = Json.array();
                for (JsonNode q : patch) {
                    if (!(q.isObject() && q.has(PATCH))) {
                        out.add(cleanValue(q));
                    }
                }
                return out;
            }
        }
        String mergeKey = PatchMeta.mergeKey(path);
        if (mergeKey == null) {
            ArrayNode out = Json.array();
            for (JsonNode q : patch) {
                if (!(q.isObject() && q.path(PATCH).asText("").equals("delete"))) {
                    out.add(cleanValue(q));
                }
            }
            return out;
        }
        ArrayNode out = orig.deepCopy();
        if (mergeKey.equals(PatchMeta.PRIMITIVE_SET)) {
            Set<JsonNode> present = new HashSet<>();
            out.forEach(present::add);
            for (JsonNode q : patch) {
                if (present.add(q)) {
                    out.add(q.deepCopy());
                }
            }
            return out;
        }
        for (JsonNode q : patch) {
            if (!q.isObject()) {
                throw new IllegalArgumentException("expected an object in the list " + path + " merged by " + mergeKey + ", got " + q);
            }
            JsonNode keyValue = q.get(mergeKey);
            if (keyValue == null) {
                throw new IllegalArgumentException("map: " + q + " does not contain declared merge key: " + mergeKey);
            }
            int idx = indexOf(out, mergeKey, keyValue);
            String d = q.path(PATCH).asText("");
            if (d.equals("delete")) {
                if (idx >= 0) {
                    out.remove(idx);
                }
                continue;
            }
            if (idx >= 0) {
                ObjectNode merged = mergeMap((ObjectNode) out.get(idx), (ObjectNode) q, path);
                if (merged == null) {
                    out.remove(idx);
                } else {
                    out.set(idx, merged);
                }
            } else {
                out.add(clean((ObjectNode) q));
            }
        }
        return out;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i).get(key);
            if (v != null && (v.equals(value) || v.asText().equals(value.asText()))) {
                return i;
            }
        }
        return -1;
    }

    /** Orders {@code list} as {@code order} says; elements it does not name keep their relative order after. */
    static ArrayNode reorder(ArrayNode list, JsonNode order, String mergeKey) {
        List<JsonNode> rest = new ArrayList<>();
        list.forEach(rest::add);
        ArrayNode out = Json.array();
        for (JsonNode o : order) {
            for (Iterator<JsonNode> it = rest.iterator(); it.hasNext();) {
                JsonNode e = it.next();
                boolean same = mergeKey == null || mergeKey.equals(PatchMeta.PRIMITIVE_SET) ? e.equals(o)
                        : o.has(mergeKey) && e.has(mergeKey) && e.get(mergeKey).asText().equals(o.get(mergeKey).asText());
                if (same) {
                    out.add(e);
                    it.remove();
                    break;
                }
            }
        }
        rest.forEach(out::add);
        return out;
    }

    /** A patch value inserted where nothing was: its directives removed. */
    static ObjectNode clean(ObjectNode patch) {
        ObjectNode out = Json.object();
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (k.equals(PATCH) || k.equals(RETAIN_KEYS) || k.startsWith(ORDER) || k.startsWith(DELETE_PRIMITIVE)
                    || e.getValue().isNull()) {
                continue;
            }
            out.set(k, cleanValue(e.getValue()));
        }
        return out;
    }

    private static JsonNode cleanValue(JsonNode v) {
        if (v.isObject()) {
            return clean((ObjectNode) v);
        }
        if (v.isArray()) {
            ArrayNode a = Json.array();
            for (JsonNode x : v) {
                if (!(x.isObject() && x.path(PATCH).asText("").equals("delete"))) {
                    a.add(cleanValue(x));
                }
            }
            return a;
        }
        return v.deepCopy();
    }
}
