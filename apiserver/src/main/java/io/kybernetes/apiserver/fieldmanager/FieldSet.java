package io.kybernetes.apiserver.fieldmanager;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

/**
 * A set of field paths as a tree, in the FieldsV1 encoding of managedFields: each child is named by a path element
 * ({@code f:<field>}, {@code k:<key object>}, {@code v:<value>}), and a node is itself a member of the set when it
 * is a leaf ({@code {}}) or carries {@code ".": {}}. Hand-written: structured-merge-diff has no Java port.
 */
public final class FieldSet {

    static final String SELF = ".";

    private final TreeMap<String, FieldSet> children = new TreeMap<>();
    private boolean member;

    public static FieldSet fromJson(JsonNode fieldsV1) {
        FieldSet s = new FieldSet();
        if (fieldsV1 != null && fieldsV1.isObject()) {
            s.read(fieldsV1);
        }
        return s;
    }

    private void read(JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(SELF)) {
                member = true;
                continue;
            }
            FieldSet child = new FieldSet();
            if (e.getValue().isObject() && e.getValue().isEmpty()) {
                child.member = true;
            } else {
                child.read(e.getValue());
            }
            children.put(e.getKey(), child);
        }
    }

    /** The FieldsV1 object: leaves are {@code {}}, members with children carry {@code ".": {}}. */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        if (member && !children.isEmpty()) {
            out.putObject(SELF);
        }
        children.forEach((k, v) -> out.set(k, v.toJson()));
        return out;
    }

    public boolean isEmpty() {
        return !member && children.values().stream().allMatch(FieldSet::isEmpty);
    }

    public void insert(List<String> path) {
        FieldSet cur = this;
        for (String pe : path) {
            cur = cur.children.computeIfAbsent(pe, k -> new FieldSet());
        }
        cur.member = true;
    }

    public boolean has(List<String> path) {
        FieldSet n = node(path);
        return n != null && n.member;
    }

    /** True when the path or anything below it is in the set. */
    public boolean hasWithin(List<String> path) {
        FieldSet n = node(path);
        return n != null && !n.isEmpty();
    }

    private FieldSet node(List<String> path) {
        FieldSet cur = this;
        for (String pe : path) {
            cur = cur.children.get(pe);
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    /** Removes a top-level element and everything below it. */
    public void removeTree(String element) {
        children.remove(element);
    }

    /** Removes one member (its children stay). */
    public void remove(List<String> path) {
        FieldSet n = node(path);
        if (n != null) {
            n.member = false;
        }
        compact();
    }

    /** The members of this set, each as a path, in FieldsV1 order. */
    public List<List<String>> members() {
        List<List<String>> out = new ArrayList<>();
        walk(new ArrayList<>(), (p, n) -> out.add(List.copyOf(p)));
        return out;
    }

    private void walk(List<String> prefix, BiConsumer<List<String>, FieldSet> visit) {
        if (member) {
            visit.accept(prefix, this);
        }
        for (Map.Entry<String, FieldSet> e : children.entrySet()) {
            prefix.add(e.getKey());
            e.getValue().walk(prefix, visit);
            prefix.remove(prefix.size() - 1);
        }
    }

    public FieldSet copy() {
        FieldSet c = new FieldSet();
        c.member = member;
        children.forEach((k, v) -> c.children.put(k, v.copy()));
        return c;
    }

    public FieldSet union(FieldSet other) {
        FieldSet out = copy();
        other.members().forEach(out::insert);
        return out;
    }

    public FieldSet difference(FieldSet other) {
        FieldSet out = copy();
        other.members().forEach(out::remove);
        out.compact();
        return out;
    }

    /** Drops the subtrees that hold no member. */
    void compact() {
        children.values().removeIf(c -> {
            c.compact();
            return c.isEmpty();
        });
    }

    TreeMap<String, FieldSet> children() {
        return children;
    }

    boolean member() {
        return member;
    }

    void member(boolean m) {
        member = m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet s && s.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return Json.text(toJson());
    }
}
