package io.kybernetes.apiserver.fieldmanager;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.patch.PatchMeta;

/**
 * Field paths of JSON objects as structured-merge-diff sees them: which lists are maps keyed by which fields
 * (the listMapKeys facts of the API), which are sets, which values are atomic; the set of fields an object sets,
 * the fields an update changed, and reading, removing and merging values by path.
 */
public final class Fields {

    /** Top-level and metadata fields that no manager owns (identity and server-set metadata). */
    private static final Set<String> STRIPPED_TOP = Set.of("apiVersion", "kind");
    private static final Set<String> STRIPPED_META = Set.of("name", "namespace", "uid", "resourceVersion",
            "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp",
            "deletionGracePeriodSeconds", "generateName");
    /** Structs that are always present on typed objects, so their own path is never "added" by an update. */
    private static final Set<String> ALWAYS_PRESENT = Set.of("metadata", "spec", "status", "template");
    /** Atomic maps and structs (a whole value owned by one path), e.g. label selectors. */
    private static final Set<String> ATOMIC = Set.of("selector", "nodeSelector");

    /** List map keys that differ from the strategic-merge-patch key (several keys, defaulted key fields). */
    private static final Map<String, List<String>> MULTI_KEYS = Map.of(
            "containers.ports", List.of("containerPort", "protocol"),
            "initContainers.ports", List.of("containerPort", "protocol"),
            "ephemeralContainers.ports", List.of("containerPort", "protocol"),
            "spec.ports", List.of("port", "protocol"),
            "spec.topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable"));
    private static final Map<String, String> KEY_DEFAULTS = Map.of("protocol", "TCP");

    private Fields() {
    }

    // ---- list kinds

    /** The key fields of the list at a dotted path, an empty list for a set of scalars, or null when atomic. */
    static List<String> listKeys(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length >= 2) {
            List<String> multi = MULTI_KEYS.get(parts[parts.length - 2] + "." + parts[parts.length - 1]);
            if (multi != null) {
                return multi;
            }
        }
        String k = PatchMeta.mergeKey(dotted);
        if (k == null) {
            return null;
        }
        return k.equals(PatchMeta.PRIMITIVE_SET) ? List.of() : List.of(k);
    }

    /** The keys of the list at {@code dotted} when every item of {@code list} has them, else null (atomic). */
    static List<String> keysOf(String dotted, JsonNode list) {
        List<String> keys = listKeys(dotted);
        if (keys == null) {
            return null;
        }
        for (JsonNode item : list) {
            if (itemElement(keys, item) == null) {
                return null;
            }
        }
        return keys;
    }

    /** The path element of one item of a keyed list or set, or null when the item has no usable key. */
    static String itemElement(List<String> keys, JsonNode item) {
        if (keys.isEmpty()) {
            return item.isContainerNode() ? null : "v:" + Json.text(item);
        }
        if (!item.isObject()) {
            return null;
        }
        TreeMap<String, JsonNode> key = new TreeMap<>();
        for (String k : keys) {
            JsonNode v = item.get(k);
            if (v == null || v.isNull()) {
                String d = KEY_DEFAULTS.get(k);
                if (d == null) {
                    if (keys.size() == 1) {
                        return null;
                    }
                    continue;
                }
                v = Json.F.textNode(d);
            }
            key.put(k, v);
        }
        ObjectNode o = Json.object();
        key.forEach(o::set);
        return "k:" + Json.text(o);
    }

    private static String childDotted(String dotted, String field) {
        return dotted.isEmpty() ? field : dotted + "." + field;
    }

    private static boolean stripped(List<String> path, String field) {
        return path.isEmpty() && STRIPPED_TOP.contains(field)
                || path.size() == 1 && path.get(0).equals("f:metadata") && STRIPPED_META.contains(field);
    }

    // ---- the set of an applied configuration

    /** The fields an applied configuration sets: its leaves and the items of its keyed lists and sets. */
    public static FieldSet of(JsonNode applied, boolean withStatus) {
        FieldSet set = new FieldSet();
        if (applied instanceof ObjectNode o) {
            walkObject(o, new ArrayList<>(), "", set, withStatus);
        }
        return set;
    }

    private static void walkObject(ObjectNode o, List<String> path, String dotted, FieldSet set, boolean withStatus) {
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            if (stripped(path, f) || path.isEmpty() && f.equals("status") && !withStatus || e.getValue().isNull()) {
                continue;
            }
            path.add("f:" + f);
            walkValue(e.getValue(), path, childDotted(dotted, f), set, withStatus);
            path.remove(path.size() - 1);
        }
    }

    private static void walkValue(JsonNode v, List<String> path, String dotted, FieldSet set, boolean withStatus) {
        String last = dotted.substring(dotted.lastIndexOf('.') + 1);
        if (v instanceof ObjectNode o && !o.isEmpty() && !ATOMIC.contains(last)) {
            walkObject(o, path, dotted, set, withStatus);
        } else if (v instanceof ArrayNode a && !a.isEmpty() && keysOf(dotted, a) != null) {
            List<String> keys = listKeys(dotted);
            for (JsonNode item : a) {
                String pe = itemElement(keys, item);
                if (pe == null) {
                    continue;
                }
                path.add(pe);
                set.insert(path);
                if (item instanceof ObjectNode io) {
                    walkObject(io, path, dotted, set, withStatus);
                }
                path.remove(path.size() - 1);
            }
        } else {
            set.insert(path);
        }
    }

    // ---- what an update changed

    /** The fields an update set or changed, as upstream records them for an Update manager. */
    public static FieldSet changed(JsonNode old, JsonNode updated) {
        FieldSet set = new FieldSet();
        if (updated instanceof ObjectNode n) {
            diffObject(old instanceof ObjectNode o ? o : Json.object(), n, new ArrayList<>(), "", set);
        }
        return set;
    }

    private static void diffObject(ObjectNode old, ObjectNode now, List<String> path, String dotted, FieldSet set) {
        Iterator<Map.Entry<String, JsonNode>> it = now.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            if (stripped(path, f) || e.getValue().isNull()) {
                continue;
            }
            path.add("f:" + f);
            diffValue(old.get(f), e.getValue(), path, childDotted(dotted, f), set);
            path.remove(path.size() - 1);
        }
    }

    private static void diffValue(JsonNode old, JsonNode now, List<String> path, String dotted, FieldSet set) {
        if (now.equals(old)) {
            return;
        }
        String last = dotted.substring(dotted.lastIndexOf('.') + 1);
        if (now instanceof ObjectNode n && !n.isEmpty() && !ATOMIC.contains(last)) {
            if (!(old instanceof ObjectNode) && !ALWAYS_PRESENT.contains(last)) {
                set.insert(path);
            }
            diffObject(old instanceof ObjectNode o ? o : Json.object(), n, path, dotted, set);
        } else if (now instanceof ArrayNode a && !a.isEmpty() && keysOf(dotted, a) != null) {
            List<String> keys = listKeys(dotted);
            ArrayNode oldList = old instanceof ArrayNode ol ? ol : Json.array();
            for (JsonNode item : a) {
                String pe = itemElement(keys, item);
                if (pe == null) {
                    continue;
                }
                JsonNode before = find(oldList, keys, pe);
                path.add(pe);
                if (before == null) {
                    set.insert(path);
                }
                if (item instanceof ObjectNode io) {
                    diffObject(before instanceof ObjectNode bo ? bo : Json.object(), io, path, dotted, set);
                }
                path.remove(path.size() - 1);
            }
        } else {
            set.insert(path);
        }
    }

    private static JsonNode find(ArrayNode list, List<String> keys, String pe) {
        for (JsonNode item : list) {
            if (pe.equals(itemElement(keys, item))) {
                return item;
            }
        }
        return null;
    }

    // ---- reading and changing values by path

    /** The value at a path, or null when the object has nothing there. */
    public static JsonNode get(JsonNode obj, List<String> path) {
        JsonNode cur = obj;
        String dotted = "";
        for (String pe : path) {
            if (pe.startsWith("f:")) {
                String f = pe.substring(2);
                cur = cur instanceof ObjectNode o ? o.get(f) : null;
                dotted = childDotted(dotted, f);
            } else {
                List<String> keys = listKeys(dotted);
                cur = cur instanceof ArrayNode a && keys != null ? find(a, keys, pe) : null;
            }
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    /** Removes the value at a path (a field or a list item); absent paths are ignored. */
    public static void remove(JsonNode obj, List<String> path) {
        if (path.isEmpty()) {
            return;
        }
        JsonNode parent = get(obj, path.subList(0, path.size() - 1));
        String pe = path.get(path.size() - 1);
        if (pe.startsWith("f:") && parent instanceof ObjectNode o) {
            o.remove(pe.substring(2));
        } else if (parent instanceof ArrayNode a) {
            List<String> keys = listKeys(dotted(path));
            for (int i = 0; keys != null && i < a.size(); i++) {
                if (pe.equals(itemElement(keys, a.get(i)))) {
                    a.remove(i);
                    return;
                }
            }
        }
    }

    static String dotted(List<String> path) {
        StringBuilder b = new StringBuilder();
        for (String pe : path) {
            if (pe.startsWith("f:")) {
                b.append(b.length() == 0 ? "" : ".").append(pe.substring(2));
            }
        }
        return b.toString();
    }

    /** Keeps only the members of {@code set} that the object still has. */
    public static FieldSet prune(FieldSet set, JsonNode obj) {
        FieldSet out = new FieldSet();
        for (List<String> p : set.members()) {
            if (get(obj, p) != null) {
                out.insert(p);
            }
        }
        return out;
    }

    /** The path as upstream prints it in conflicts: {@code .spec.containers[name="web"].image}. */
    public static String print(List<String> path) {
        StringBuilder b = new StringBuilder();
        for (String pe : path) {
            String body = pe.substring(2);
            if (pe.startsWith("f:")) {
                b.append('.').append(body);
            } else if (pe.startsWith("v:")) {
                b.append("[=").append(body).append(']');
            } else {
                try {
                    JsonNode key = Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    List<String> parts = new ArrayList<>();
                    key.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + Json.text(e.getValue())));
                    b.append('[').append(String.join(",", parts)).append(']');
                } catch (IOException e) {
                    b.append('[').append(body).append(']');
                }
            }
        }
        return b.toString();
    }

    // ---- merging an applied configuration

    /** The live object with the applied configuration merged in: maps and keyed lists field by field. */
    public static JsonNode merge(JsonNode live, JsonNode applied, String dotted) {
        String last = dotted.substring(dotted.lastIndexOf('.') + 1);
        if (applied instanceof ObjectNode a && live instanceof ObjectNode l && !ATOMIC.contains(last)) {
            ObjectNode out = l.deepCopy();
            Iterator<Map.Entry<String, JsonNode>> it = a.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    continue;
                }
                out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue(), childDotted(dotted, e.getKey())));
            }
            return out;
        }
        List<String> keys = applied instanceof ArrayNode al ? keysOf(dotted, al) : null;
        if (applied instanceof ArrayNode a && live instanceof ArrayNode l && keys != null) {
            ArrayNode out = l.deepCopy();
            for (JsonNode item : a) {
                String pe = itemElement(keys, item);
                int idx = -1;
                for (int i = 0; pe != null && i < out.size(); i++) {
                    if (pe.equals(itemElement(keys, out.get(i)))) {
                        idx = i;
                        break;
                    }
                }
                if (idx < 0) {
                    out.add(strip(item));
                } else {
                    out.set(idx, merge(out.get(idx), item, dotted));
                }
            }
            return out;
        }
        return strip(applied);
    }

    private static JsonNode strip(JsonNode v) {
        if (v instanceof ObjectNode o) {
            ObjectNode out = Json.object();
            o.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), strip(e.getValue()));
                }
            });
            return out;
        }
        return v.deepCopy();
    }
}
