package io.kybernetes.apiserver.fieldmanager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;

/**
 * metadata.managedFields as upstream keeps them: one entry per manager, operation and subresource with the fields
 * it owns. Updates take the fields they change from every other manager; server-side apply merges the applied
 * configuration, removes the fields a manager no longer applies, and refuses to change fields other managers own
 * unless forced.
 */
public final class ManagedFields {

    public static final String APPLY = "Apply";
    public static final String UPDATE = "Update";

    /** One managedFields entry. */
    public record Entry(String manager, String operation, String apiVersion, String time, String subresource,
            FieldSet fields) {

        boolean sameOwner(String m, String op, String sub) {
            return manager.equals(m) && operation.equals(op) && subresource.equals(sub);
        }

        Entry with(FieldSet f) {
            return new Entry(manager, operation, apiVersion, time, subresource, f);
        }

        ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("manager", manager);
            o.put("operation", operation);
            o.put("apiVersion", apiVersion);
            if (!time.isEmpty()) {
                o.put("time", time);
            }
            o.put("fieldsType", "FieldsV1");
            o.set("fieldsV1", fields.toJson());
            if (!subresource.isEmpty()) {
                o.put("subresource", subresource);
            }
            return o;
        }

        /** The manager as upstream names it in conflict messages. */
        String printed() {
            if (operation.equals(UPDATE)) {
                return "\"" + manager + "\" using " + apiVersion + (time.isEmpty() ? "" : " at " + time);
            }
            return "\"" + manager + "\"";
        }
    }

    /** A field another manager owns that an apply would change. */
    public record Conflict(Entry owner, List<String> path) {
    }

    private ManagedFields() {
    }

    /** The field manager of a write: the fieldManager parameter, else the User-Agent up to its first '/'. */
    public static String manager(String fieldManager, String userAgent) {
        if (fieldManager != null && !fieldManager.isEmpty()) {
            return fieldManager;
        }
        String ua = userAgent == null ? "" : userAgent;
        int slash = ua.indexOf('/');
        String m = slash >= 0 ? ua.substring(0, slash) : ua;
        return m.length() > 128 ? m.substring(0, 128) : m;
    }

    public static List<Entry> read(JsonNode obj) {
        List<Entry> out = new ArrayList<>();
        JsonNode mf = obj == null ? null : obj.path("metadata").get("managedFields");
        if (mf != null && mf.isArray()) {
            for (JsonNode e : mf) {
                String manager = e.path("manager").asText("");
                String op = e.path("operation").asText("");
                FieldSet f = FieldSet.fromJson(e.get("fieldsV1"));
                if (op.isEmpty() && f.isEmpty()) {
                    continue;
                }
                out.add(new Entry(manager, op, e.path("apiVersion").asText(""), e.path("time").asText(""),
                        e.path("subresource").asText(""), f));
            }
        }
        return out;
    }

    /** Writes the entries (empty ones dropped) in upstream's order: operation, time, manager. */
    static void write(ObjectNode obj, List<Entry> entries) {
        List<Entry> kept = new ArrayList<>(entries.stream().filter(e -> !e.fields().isEmpty()).toList());
        kept.sort(Comparator.comparing(Entry::operation).thenComparing(Entry::time).thenComparing(Entry::manager)
                .thenComparing(Entry::apiVersion).thenComparing(Entry::subresource));
        ObjectNode meta = Json.with(obj, "metadata");
        if (kept.isEmpty()) {
            meta.remove("managedFields");
            return;
        }
        ArrayNode a = meta.putArray("managedFields");
        kept.forEach(e -> a.add(e.toJson()));
    }

    private static boolean sameFields(List<Entry> a, List<Entry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Entry e : a) {
            if (b.stream().noneMatch(x -> x.sameOwner(e.manager(), e.operation(), e.subresource())
                    && x.fields().equals(e.fields()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Records a create or update of {@code old} (an empty object for a create) into {@code obj} by {@code manager}
     * (null for the server's own writes, which only drop the fields that are gone). managedFields the client sent
     * that differ from the stored ones replace them, as upstream.
     */
    public static void update(ObjectNode old, ObjectNode obj, String manager, String apiVersion, String subresource) {
        update(old, obj, manager, apiVersion, subresource, false);
    }

    /**
     * As {@link #update(ObjectNode, ObjectNode, String, String, String)}; when {@code statusIsSubresource}, writes to
     * the main resource never own status fields (upstream's reset fields), whoever set them.
     */
    public static void update(ObjectNode old, ObjectNode obj, String manager, String apiVersion, String subresource,
            boolean statusIsSubresource) {
        JsonNode oldRaw = old.path("metadata").get("managedFields");
        JsonNode newRaw = obj.path("metadata").get("managedFields");
        List<Entry> before = read(old);
        List<Entry> entries = newRaw != null && !Objects.equals(newRaw, oldRaw) ? read(obj) : before;
        boolean touched = false;
        if (manager != null) {
            FieldSet changed = Fields.changed(old, obj);
            if (statusIsSubresource && (subresource == null || subresource.isEmpty())) {
                changed.removeTree("f:status");
            }
            if (!changed.isEmpty()) {
                String sub = subresource == null ? "" : subresource;
                List<Entry> next = new ArrayList<>();
                FieldSet mine = new FieldSet();
                for (Entry e : entries) {
                    if (e.sameOwner(manager, UPDATE, sub)) {
                        mine = e.fields();
                    } else {
                        next.add(e.with(e.fields().difference(changed)));
                    }
                }
                next.add(new Entry(manager, UPDATE, apiVersion, Json.now(), sub, mine.union(changed)));
                entries = next;
                touched = true;
            }
        }
        entries = entries.stream().map(e -> e.with(Fields.prune(e.fields(), obj))).toList();
        if (!touched && oldRaw != null && sameFields(entries, before)) {
            Json.with(obj, "metadata").set("managedFields", oldRaw.deepCopy());
            return;
        }
        write(obj, entries);
    }

    /**
     * Server-side apply of {@code applied} by {@code manager} to {@code live}: the merged object with its
     * managedFields. Throws a 409 Conflict listing the fields other managers own that the apply would change,
     * unless {@code force} moves them to the applier.
     */
    public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, String apiVersion,
            boolean force, boolean withStatus) {
        return apply(live, applied, manager, apiVersion, force, withStatus, "");
    }

    /**
     * As {@link #apply(ObjectNode, ObjectNode, String, String, boolean, boolean)} to a subresource: an apply to
     * {@code status} sets only the status of the configuration and is recorded with {@code subresource: status}.
     */
    public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, String apiVersion,
            boolean force, boolean withStatus, String subresource) {
        ObjectNode config = applied.deepCopy();
        JsonNode meta = config.get("metadata");
        if (meta instanceof ObjectNode m) {
            m.remove("managedFields");
        }
        String sub = subresource == null ? "" : subresource;
        if (sub.equals("status")) {
            config.retain("apiVersion", "kind", "metadata", "status");
            if (config.get("metadata") instanceof ObjectNode m) {
                m.retain("name", "namespace", "resourceVersion");
            }
        }
        List<Entry> entries = read(live);
        FieldSet set = Fields.of(config, withStatus);
        ObjectNode merged = (ObjectNode) Fields.merge(live, config, "");
        List<Conflict> conflicts = new ArrayList<>();
        for (List<String> p : set.members()) {
            JsonNode before = Fields.get(live, p);
            String last = p.get(p.size() - 1);
            // a list item itself only appears or goes; its fields carry the values
            if (before == null || !last.startsWith("f:") || before.equals(Fields.get(merged, p))) {
                continue;
            }
            for (Entry e : entries) {
                if (!e.sameOwner(manager, APPLY, sub) && e.fields().has(p)) {
                    conflicts.add(new Conflict(e, p));
                }
            }
        }
        if (!conflicts.isEmpty() && !force && !lastAppliedAllows(live, conflicts, manager, withStatus)) {
            throw conflictError(conflicts);
        }
        FieldSet previous = new FieldSet();
        List<Entry> others = new ArrayList<>();
        for (Entry e : entries) {
            if (e.sameOwner(manager, APPLY, sub)) {
                previous = e.fields();
                continue;
            }
            FieldSet f = e.fields();
            for (Conflict c : conflicts) {
                if (c.owner() == e) {
                    f = f.copy();
                    f.remove(c.path());
                }
            }
            others.add(e.with(f));
        }
        List<List<String>> dropped = new ArrayList<>(previous.difference(set).members());
        // items before their fields: an item's key fields are needed to find it
        dropped.sort(Comparator.comparingInt(List::size));
        for (List<String> p : dropped) {
            // kept while anyone, the applier included, still owns something in it (a map whose fields are applied)
            if (!set.hasWithin(p) && others.stream().noneMatch(e -> e.fields().hasWithin(p))) {
                Fields.remove(merged, p);
            }
        }
        keepLastApplied(live, config, merged, manager);
        List<Entry> next = new ArrayList<>();
        others.forEach(e -> next.add(e.with(Fields.prune(e.fields(), merged))));
        next.add(new Entry(manager, APPLY, apiVersion, Json.now(), sub, set));
        ObjectNode liveBare = live.deepCopy();
        Json.with(liveBare, "metadata").remove("managedFields");
        ObjectNode mergedBare = merged.deepCopy();
        Json.with(mergedBare, "metadata").remove("managedFields");
        if (liveBare.equals(mergedBare) && sameFields(next.stream().filter(e -> !e.fields().isEmpty()).toList(),
                entries)) {
            return live.deepCopy();
        }
        write(merged, next);
        return merged;
    }

    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** The manager of kubectl apply --server-side, for which upstream eases the move from client-side apply. */
    static final String KUBECTL = "kubectl";

    private static JsonNode lastApplied(JsonNode live) {
        String text = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Upstream lets kubectl's server-side apply take over from client-side apply: conflicts are forced when every
     * conflicting field is in the last-applied-configuration annotation with the value the object still has.
     */
    private static boolean lastAppliedAllows(JsonNode live, List<Conflict> conflicts, String manager,
            boolean withStatus) {
        JsonNode last = manager.equals(KUBECTL) ? lastApplied(live) : null;
        if (last == null) {
            return false;
        }
        FieldSet lastSet = Fields.of(last, withStatus);
        for (Conflict c : conflicts) {
            JsonNode before = Fields.get(last, c.path());
            if (!lastSet.has(c.path()) || before == null || !before.equals(Fields.get(live, c.path()))) {
                return false;
            }
        }
        return true;
    }

    /** As upstream, kubectl's server-side apply keeps an existing last-applied-configuration annotation current. */
    private static void keepLastApplied(JsonNode live, ObjectNode config, ObjectNode merged, String manager) {
        if (!manager.equals(KUBECTL) || lastApplied(live) == null
                || config.path("metadata").path("annotations").has(LAST_APPLIED)) {
            return;
        }
        Json.with(merged, "metadata", "annotations").put(LAST_APPLIED, Json.text(config));
    }

    /** Upstream's 409 for apply conflicts: one cause per field, reason FieldManagerConflict. */
    static ApiException conflictError(List<Conflict> conflicts) {
        List<Cause> causes = new ArrayList<>();
        for (Conflict c : conflicts) {
            causes.add(new Cause("FieldManagerConflict", Fields.print(c.path()), "conflict with " + c.owner().printed()));
        }
        String message;
        if (conflicts.size() == 1) {
            Conflict c = conflicts.get(0);
            message = "Apply failed with 1 conflict: conflict with " + c.owner().printed() + ": " + Fields.print(c.path());
        } else {
            java.util.TreeMap<String, List<String>> byManager = new java.util.TreeMap<>();
            for (Conflict c : conflicts) {
                byManager.computeIfAbsent(c.owner().printed(), k -> new ArrayList<>()).add(Fields.print(c.path()));
            }
            List<String> lines = new ArrayList<>();
            byManager.forEach((m, paths) -> {
                lines.add("conflicts with " + m + ":");
                paths.forEach(p -> lines.add("- " + p));
            });
            message = String.format(Locale.ROOT, "Apply failed with %d conflicts: %s", conflicts.size(),
                    String.join("\n", lines));
        }
        return new ApiException(409, "Conflict", message, null, null, null, causes, null);
    }
}
