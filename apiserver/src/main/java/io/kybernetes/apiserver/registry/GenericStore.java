package io.kybernetes.apiserver.registry;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionChain;
import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.fieldmanager.ManagedFields;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WriteResult;

/**
 * The one generic store: create, get, list, update (with retries on conflicts), delete (graceful and with
 * finalizers) of any kind, as JSON trees, over {@link EtcdStore}. Kinds differ only by their {@link Strategy}.
 */
@ApplicationScoped
public class GenericStore {

    private static final Logger LOG = Logger.getLogger(GenericStore.class);
    static final int MAX_RETRIES = 16;

    private final EtcdStore store;
    private final AdmissionChain admission;

    public GenericStore(EtcdStore store, AdmissionChain admission) {
        this.store = store;
        this.admission = admission;
    }

    public EtcdStore etcd() {
        return store;
    }

    /** Parses a stored value and sets metadata.resourceVersion to its mod revision. */
    public static ObjectNode decode(StoredValue v) {
        return decode(v.value(), v.modRevision());
    }

    public static ObjectNode decode(byte[] value, long revision) {
        try {
            ObjectNode obj = (ObjectNode) Json.parse(value);
            Json.with(obj, "metadata").put("resourceVersion", Long.toString(revision));
            return obj;
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("undecodable object in storage: " + e.getMessage(), e);
        }
    }

    private static byte[] encode(ObjectNode obj) {
        ObjectNode copy = obj.deepCopy();
        JsonNode meta = copy.get("metadata");
        if (meta instanceof ObjectNode m) {
            m.remove("resourceVersion");
            m.remove("selfLink");
        }
        return Json.bytes(copy);
    }

    static ApiException unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ApiException a ? a : null;
    }

    public CompletableFuture<ObjectNode> get(Resource r, String ns, String name) {
        return store.get(r.key(ns, name)).thenApply(v -> r.decode(v.orElseThrow(() -> ApiException.notFound(r.group(), r.name(), name))));
    }

    /** The items of a collection (one namespace or all when {@code ns} is null) that match, as a *List. */
    public CompletableFuture<ObjectNode> list(Resource r, String ns, Predicate<ObjectNode> filter) {
        return list(r, ns, filter, true, ListOptions.ALL);
    }

    static final String EXPIRED = "The resourceVersion for the provided list is too old.";
    static final String INCONSISTENT_CONTINUE = "The provided continue parameter is too old to display a consistent "
            + "list result. You can start a new list without the continue parameter, or use the continue token in "
            + "this response to retrieve the remainder of the results. Continuing with the provided token results in "
            + "an inconsistent list - objects that were created, modified, or deleted between the time the first "
            + "chunk was returned and now may show up in the list.";

    /**
     * One page of a collection as a *List: at most {@code opts.limit()} matching items from the continue token's
     * key on, read at one revision (the token's, an exact resourceVersion's, or the newest), with
     * metadata.continue when more may follow and metadata.remainingItemCount when nothing is filtered out
     * ({@code filtered} false). Pages past a compacted revision answer 410 Expired as upstream.
     */
    public CompletableFuture<ObjectNode> list(Resource r, String ns, Predicate<ObjectNode> filter, boolean filtered,
            ListOptions opts) {
        String prefix = r.prefix(ns);
        String start = opts.continueToken() == null ? prefix : opts.continueToken().startKey(prefix);
        ObjectNode list = Json.object();
        list.put("kind", r.type().kind() + "List");
        list.put("apiVersion", r.type().apiVersion());
        ObjectNode meta = list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        return page(r, prefix, start, opts.readRevision(), opts, filter, filtered, items, meta)
                .handle((v, t) -> {
                    if (t == null) {
                        return list;
                    }
                    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                    if (cause instanceof EtcdStore.CompactedRevision) {
                        if (opts.continueToken() != null) {
                            throw ApiException.gone(INCONSISTENT_CONTINUE).withContinue(
                                    new ContinueToken(-1, opts.continueToken().start()).encode());
                        }
                        throw ApiException.gone(EXPIRED);
                    }
                    throw t instanceof CompletionException c ? c : new CompletionException(t);
                });
    }

    private CompletableFuture<Void> page(Resource r, String prefix, String start, long revision, ListOptions opts,
            Predicate<ObjectNode> filter, boolean filtered, ArrayNode items, ObjectNode meta) {
        long want = opts.limit() > 0 ? opts.limit() - items.size() : 0;
        return store.range(prefix, start, filtered ? opts.limit() : want, revision).thenCompose(page -> {
            long rev = revision > 0 ? revision : page.revision();
            if (!meta.has("resourceVersion")) {
                long min = opts.minimumRevision();
                if (min > rev) {
                    throw new ApiException(504, "Timeout", "Too large resource version: " + min + ", current: " + rev,
                            null, null, null, List.of(new Cause("ResourceVersionTooLarge", null,
                                    "Too large resource version")), 1);
                }
                meta.put("resourceVersion", Long.toString(rev));
            }
            List<StoredValue> kvs = page.items();
            int consumed = 0;
            String lastKey = null;
            for (StoredValue v : kvs) {
                if (opts.limit() > 0 && items.size() >= opts.limit()) {
                    break;
                }
                consumed++;
                lastKey = v.key();
                ObjectNode obj = r.decode(v);
                if (filter.test(obj)) {
                    items.add(obj);
                }
            }
            boolean more = page.more() || consumed < kvs.size();
            if (!more || lastKey == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (opts.limit() > 0 && items.size() >= opts.limit()) {
                meta.put("continue", ContinueToken.after(rev, prefix, lastKey).encode());
                if (!filtered) {
                    meta.put("remainingItemCount", page.count() - consumed);
                }
                return CompletableFuture.completedFuture(null);
            }
            return page(r, prefix, lastKey + "\u0000", rev, opts, filter, filtered, items, meta);
        });
    }

    // ---- create

    public CompletableFuture<Outcome> create(Resource r, String ns, ObjectNode served, boolean dryRun) {
        return create(r, ns, served, dryRun, null);
    }

    /**
     * Creates the object, recording in metadata.managedFields the fields {@code manager} set (an Update); a null
     * manager keeps the managedFields the object carries (server-side apply computes its own).
     */
    public CompletableFuture<Outcome> create(Resource r, String ns, ObjectNode served, boolean dryRun,
            String manager) {
        served.put("apiVersion", r.type().apiVersion());
        served.put("kind", r.type().kind());
        ObjectNode obj = r.conversion().toStorage(served);
        ObjectNode meta = Json.with(obj, "metadata");
        if (r.namespaced()) {
            meta.put("namespace", ns);
        } else {
            meta.remove("namespace");
        }
        String name = meta.path("name").asText("");
        if (name.isEmpty() && !meta.path("generateName").asText("").isEmpty()) {
            name = Names.generate(meta.get("generateName").asText());
            meta.put("name", name);
        }
        if (name.isEmpty()) {
            throw ApiException.invalid(r.group(), r.type().kind(), "",
                    List.of(new Cause("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")));
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Json.now());
        meta.remove("resourceVersion");
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        meta.remove("selfLink");
        if (obj.has("spec")) {
            meta.put("generation", 1);
        } else {
            meta.remove("generation");
        }
        Strategy s = r.strategy();
        String finalName = name;
        // admission: mutating plugins, then the kind's defaults and validation, then validating plugins
        AdmissionRequest admit = admission.request(r, ns, finalName, "", Operation.CREATE, obj, null, dryRun);
        CompletableFuture<Void> admitted = admission.admit(admit).thenCompose(x -> {
            s.prepareForCreate(obj);
            ManagedFields.update(Json.object(), obj, manager, r.type().apiVersion(), "", s.statusIsSubresource());
            List<Cause> causes = new ArrayList<>(Names.validate("metadata.name", finalName, s.nameRule()));
            if (r.namespaced()) {
                causes.addAll(Names.validate("metadata.namespace", ns, Strategy.NameRule.LABEL));
            }
            causes.addAll(MetaValidation.validate(meta));
            causes.addAll(s.validate(obj));
            if (!causes.isEmpty()) {
                throw ApiException.invalid(r.group(), r.type().kind(), finalName, causes);
            }
            return admission.validate(admit);
        });
        if (dryRun) {
            return admitted.thenApply(v -> new Outcome(r.conversion().fromStorage(obj), 201));
        }
        return admitted.thenCompose(v -> s.beforeCreate(obj))
                .thenCompose(v -> store.create(r.key(ns, finalName), encode(obj)))
                .thenCompose(w -> {
                    if (!w.succeeded()) {
                        return s.createFailed(obj).thenApply(x -> {
                            throw ApiException.alreadyExists(r.group(), r.name(), finalName);
                        });
                    }
                    meta.put("resourceVersion", Long.toString(w.revision()));
                    LOG.debugf("created %s %s/%s at %d", r.name(), ns, finalName, w.revision());
                    return CompletableFuture.completedFuture(new Outcome(r.conversion().fromStorage(obj), 201));
                });
    }

    // ---- update

    /**
     * Reads the object, computes the new one with {@code mutate} (given a private copy of the stored object),
     * applies the generic and the kind's rules, and writes it if the stored object did not change meanwhile;
     * retries from the read otherwise. A resourceVersion left in the result by {@code mutate} is a precondition.
     */
    public CompletableFuture<ObjectNode> update(Resource r, String ns, String name, String subresource,
            UnaryOperator<ObjectNode> mutate, boolean dryRun) {
        return update(r, ns, name, subresource, mutate, dryRun, null, 0);
    }

    /**
     * As {@link #update(Resource, String, String, String, UnaryOperator, boolean)}, recording the fields the write
     * changed in metadata.managedFields for {@code manager} (an Update); with a null manager the managedFields
     * {@code mutate} left are kept, less the fields that are gone.
     */
    public CompletableFuture<ObjectNode> update(Resource r, String ns, String name, String subresource,
            UnaryOperator<ObjectNode> mutate, boolean dryRun, String manager) {
        return update(r, ns, name, subresource, mutate, dryRun, manager, 0);
    }

    private CompletableFuture<ObjectNode> update(Resource r, String ns, String name, String sub,
            UnaryOperator<ObjectNode> mutate, boolean dryRun, String manager, int attempt) {
        String key = r.key(ns, name);
        return store.get(key).thenCompose(cur -> {
            if (cur.isEmpty()) {
                throw ApiException.notFound(r.group(), r.name(), name);
            }
            ObjectNode old = decode(cur.get());
            ObjectNode mutated = mutate.apply(r.conversion().fromStorage(old.deepCopy()));
            String wanted = Json.str(mutated, "metadata.resourceVersion");
            if (!wanted.isEmpty() && !wanted.equals(Long.toString(cur.get().modRevision()))) {
                throw ApiException.modified(r.group(), r.name(), name);
            }
            mutated.put("apiVersion", r.type().apiVersion());
            mutated.put("kind", r.type().kind());
            ObjectNode obj = r.conversion().toStorage(mutated);
            AdmissionRequest admit = admission.request(r, ns, name, sub, Operation.UPDATE, obj, old, dryRun);
            return admission.admit(admit).thenCompose(x -> updateAdmitted(r, ns, name, sub, mutate, dryRun, manager,
                    attempt, cur.get(), old, obj, admit));
        });
    }

    /** The rest of an update once the mutating admission plugins ran: the kind's rules, validating plugins, write. */
    private CompletableFuture<ObjectNode> updateAdmitted(Resource r, String ns, String name, String sub,
            UnaryOperator<ObjectNode> mutate, boolean dryRun, String manager, int attempt, StoredValue stored,
            ObjectNode old, ObjectNode obj, AdmissionRequest admit) {
        applyUpdateRules(r, sub, obj, old);
        ManagedFields.update(old, obj, manager, r.type().apiVersion(),
                sub.equals("status") || sub.equals("scale") ? sub : "", r.strategy().statusIsSubresource());
        List<Cause> causes = new ArrayList<>();
        if (!Json.str(obj, "metadata.name").equals(name)) {
            causes.add(Cause.invalid("metadata.name", Json.str(obj, "metadata.name"), "field is immutable"));
        }
        causes.addAll(MetaValidation.validate(obj.path("metadata")));
        causes.addAll(r.strategy().validateUpdate(obj, old));
        if (!causes.isEmpty()) {
            throw ApiException.invalid(r.group(), r.type().kind(), name, causes);
        }
        return admission.validate(admit).thenCompose(x -> write(r, ns, name, sub, mutate, dryRun, manager,
                attempt, stored, old, obj));
    }

    private CompletableFuture<ObjectNode> write(Resource r, String ns, String name, String sub,
            UnaryOperator<ObjectNode> mutate, boolean dryRun, String manager, int attempt, StoredValue stored,
            ObjectNode old, ObjectNode obj) {
        String key = r.key(ns, name);
        if (shouldDeleteDuringUpdate(r, obj)) {
            if (dryRun) {
                return CompletableFuture.completedFuture(r.conversion().fromStorage(obj));
            }
            return store.delete(key, stored.modRevision()).thenCompose(w -> {
                if (!w.succeeded()) {
                    return retry(r, ns, name, sub, mutate, dryRun, manager, attempt);
                }
                return r.strategy().afterDelete(obj).thenApply(x -> r.conversion().fromStorage(obj));
            });
        }
        byte[] bytes = encode(obj);
        if (java.util.Arrays.equals(bytes, encode(old))) {
            return CompletableFuture.completedFuture(r.conversion().fromStorage(old));
        }
        if (dryRun) {
            return CompletableFuture.completedFuture(r.conversion().fromStorage(obj));
        }
        CompletableFuture<Void> before = r.strategy().beforeUpdate(obj, old);
        // a hook that did something may have changed the object: encode it again
        return before
                .thenCompose(v -> store.update(key, before == Strategy.DONE ? bytes : encode(obj),
                        stored.modRevision())
                        .handle((w, t) -> r.strategy().afterUpdate(obj, old, t == null && w.succeeded())
                                .thenCompose(x -> t != null ? CompletableFuture.<WriteResult>failedFuture(t)
                                        : CompletableFuture.completedFuture(w)))
                        .thenCompose(f -> f))
                .thenCompose(w -> {
                    if (!w.succeeded()) {
                        return retry(r, ns, name, sub, mutate, dryRun, manager, attempt);
                    }
                    Json.with(obj, "metadata").put("resourceVersion", Long.toString(w.revision()));
                    return CompletableFuture.completedFuture(r.conversion().fromStorage(obj));
                });
    }

    private CompletableFuture<ObjectNode> retry(Resource r, String ns, String name, String sub,
            UnaryOperator<ObjectNode> mutate, boolean dryRun, String manager, int attempt) {
        if (attempt >= MAX_RETRIES) {
            throw ApiException.modified(r.group(), r.name(), name);
        }
        return update(r, ns, name, sub, mutate, dryRun, manager, attempt + 1);
    }

    private static boolean shouldDeleteDuringUpdate(Resource r, ObjectNode obj) {
        JsonNode meta = obj.path("metadata");
        return !meta.path("deletionTimestamp").asText("").isEmpty() && meta.path("finalizers").isEmpty()
                && meta.path("deletionGracePeriodSeconds").asLong(0) == 0 && r.strategy().finalized(obj);
    }

    /** Identity, immutable metadata, status/spec split of subresources, generation. */
    void applyUpdateRules(Resource r, String sub, ObjectNode obj, ObjectNode old) {
        if (r.conversion().identity()) {
            obj.put("apiVersion", r.type().apiVersion());
            obj.put("kind", r.type().kind());
        }
        ObjectNode meta = Json.with(obj, "metadata");
        JsonNode oldMeta = old.path("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                "deletionGracePeriodSeconds", "generation"}) {
            if (oldMeta.has(f)) {
                meta.set(f, oldMeta.get(f));
            } else {
                meta.remove(f);
            }
        }
        meta.remove("selfLink");
        if (sub.equals("status") || sub.equals("approval")) {
            copyField(old, obj, "spec");
            for (String f : new String[] {"labels", "annotations", "finalizers", "ownerReferences"}) {
                if (oldMeta.has(f)) {
                    meta.set(f, oldMeta.get(f));
                } else {
                    meta.remove(f);
                }
            }
        } else if (r.strategy().statusIsSubresource() && !sub.equals("binding")) {
            copyField(old, obj, "status");
        }
        if (!sub.equals("status") && !sub.equals("finalize") && !sub.equals("approval")) {
            r.strategy().prepareForUpdate(obj, old);
        }
        if (obj.has("spec") && !obj.get("spec").equals(old.get("spec"))) {
            meta.put("generation", oldMeta.path("generation").asLong(0) + 1);
        } else if (obj.has("spec") && !meta.has("generation")) {
            meta.put("generation", 1);
        }
    }

    private static void copyField(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field).deepCopy());
        } else {
            to.remove(field);
        }
    }

    // ---- delete

    public CompletableFuture<Outcome> delete(Resource r, String ns, String name, DeleteOptions opts) {
        return delete(r, ns, name, opts, 0);
    }

    private CompletableFuture<Outcome> delete(Resource r, String ns, String name, DeleteOptions opts, int attempt) {
        String key = r.key(ns, name);
        return store.get(key).thenCompose(cur -> {
            if (cur.isEmpty()) {
                throw ApiException.notFound(r.group(), r.name(), name);
            }
            StoredValue stored = cur.get();
            ObjectNode obj = decode(stored);
            String uid = Json.str(obj, "metadata.uid");
            if (opts.preconditionUid() != null && !opts.preconditionUid().isEmpty() && !opts.preconditionUid().equals(uid)) {
                throw ApiException.conflict(r.group(), r.name(), name, "Precondition failed: UID in precondition: "
                        + opts.preconditionUid() + ", UID in object meta: " + uid);
            }
            String rv = Long.toString(stored.modRevision());
            if (opts.preconditionResourceVersion() != null && !opts.preconditionResourceVersion().isEmpty()
                    && !opts.preconditionResourceVersion().equals(rv)) {
                throw ApiException.conflict(r.group(), r.name(), name, "Precondition failed: ResourceVersion in precondition: "
                        + opts.preconditionResourceVersion() + ", ResourceVersion in object meta: " + rv);
            }
            AdmissionRequest admit = admission.request(r, ns, name, "", Operation.DELETE, null, obj, opts.dryRun());
            return admission.admit(admit).thenCompose(x -> admission.validate(admit))
                    .thenCompose(x -> deleteAdmitted(r, ns, name, opts, attempt, stored, obj));
        });
    }

    private CompletableFuture<Outcome> deleteAdmitted(Resource r, String ns, String name, DeleteOptions opts,
            int attempt, StoredValue stored, ObjectNode obj) {
        String key = r.key(ns, name);
            r.strategy().prepareForDelete(obj);
        ObjectNode meta = Json.with(obj, "metadata");
        boolean finalizersChanged = propagationFinalizers(meta, opts.propagationPolicy());
        long grace = r.strategy().gracePeriod(obj, opts.gracePeriodSeconds());
        boolean held = !meta.path("finalizers").isEmpty() || !r.strategy().finalized(obj);
        if (grace > 0 || held) {
            boolean pending = meta.hasNonNull("deletionTimestamp");
            long currentGrace = meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
            boolean shorter = !pending || grace < currentGrace;
            if (!shorter && !finalizersChanged) {
                return CompletableFuture.completedFuture(new Outcome(r.conversion().fromStorage(obj), 200));
            }
            if (shorter) {
                meta.put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(grace).toString());
                meta.put("deletionGracePeriodSeconds", grace);
            }
            if (opts.dryRun()) {
                return CompletableFuture.completedFuture(new Outcome(r.conversion().fromStorage(obj), 200));
            }
            return store.update(key, encode(obj), stored.modRevision()).thenCompose(w -> {
                if (!w.succeeded()) {
                    return retryDelete(r, ns, name, opts, attempt);
                }
                meta.put("resourceVersion", Long.toString(w.revision()));
                LOG.debugf("deletion of %s %s/%s pending (grace %ds, finalizers %s)", r.name(), ns, name, grace,
                        meta.path("finalizers"));
                return CompletableFuture.completedFuture(new Outcome(r.conversion().fromStorage(obj), 200));
            });
        }
        if (opts.dryRun()) {
            return CompletableFuture.completedFuture(new Outcome(r.conversion().fromStorage(obj), 200));
        }
        return store.delete(key, stored.modRevision()).thenCompose((WriteResult w) -> {
            if (!w.succeeded()) {
                return retryDelete(r, ns, name, opts, attempt);
            }
            LOG.debugf("deleted %s %s/%s", r.name(), ns, name);
            return r.strategy().afterDelete(obj).thenApply(x -> new Outcome(r.conversion().fromStorage(obj), 200));
        });
    }

    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";

    /**
     * The garbage collector's finalizers for a deletion, as upstream: Orphan puts {@value #ORPHAN}, Foreground
     * {@value #FOREGROUND} (each removing the other), Background removes both; without a policy, one of them already
     * on the object stays (Background is the default of every kind here). Answers whether the finalizers changed.
     */
    static boolean propagationFinalizers(ObjectNode meta, String policy) {
        if (policy == null) {
            return false;
        }
        List<String> old = new ArrayList<>();
        meta.path("finalizers").forEach(f -> old.add(f.asText()));
        List<String> kept = new ArrayList<>(old.stream().filter(f -> !f.equals(ORPHAN) && !f.equals(FOREGROUND)).toList());
        switch (policy) {
            case "Orphan" -> kept.add(ORPHAN);
            case "Foreground" -> kept.add(FOREGROUND);
            default -> { }
        }
        if (new java.util.HashSet<>(kept).equals(new java.util.HashSet<>(old))) {
            return false;
        }
        if (kept.isEmpty()) {
            meta.remove("finalizers");
        } else {
            ArrayNode a = meta.putArray("finalizers");
            kept.forEach(a::add);
        }
        return true;
    }

    private CompletableFuture<Outcome> retryDelete(Resource r, String ns, String name, DeleteOptions opts, int attempt) {
        if (attempt >= MAX_RETRIES) {
            throw ApiException.modified(r.group(), r.name(), name);
        }
        return delete(r, ns, name, opts, attempt + 1);
    }

    /** Deletes every matching object of a collection; answers the list of what was deleted (or is pending). */
    public CompletableFuture<ObjectNode> deleteCollection(Resource r, String ns, Predicate<ObjectNode> filter,
            DeleteOptions opts) {
        return list(r, ns, filter).thenCompose(list -> {
            ArrayNode items = (ArrayNode) list.get("items");
            List<CompletableFuture<Outcome>> all = new ArrayList<>();
            for (JsonNode item : items) {
                all.add(delete(r, Json.str(item, "metadata.namespace"), Json.str(item, "metadata.name"), opts)
                        .exceptionally(t -> {
                            ApiException a = unwrap(t);
                            if (a != null && a.code() == 404) {
                                return null;
                            }
                            throw t instanceof CompletionException c ? c : new CompletionException(t);
                        }));
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
                ArrayNode out = Json.array();
                for (CompletableFuture<Outcome> f : all) {
                    Outcome o = f.join();
                    if (o != null) {
                        out.add(o.object());
                    }
                }
                list.set("items", out);
                return list;
            });
        });
    }
}
