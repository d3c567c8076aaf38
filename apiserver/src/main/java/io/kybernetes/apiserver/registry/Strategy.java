package io.kybernetes.apiserver.registry;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.Cause;

/**
 * What makes one kind differ from the generic store: defaulting and server-set fields, validation, table columns,
 * selectable fields and hooks around storage. Every method has a harmless default, so a kind implements only what
 * it needs.
 */
public interface Strategy {

    CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** How metadata.name is validated. */
    enum NameRule { SUBDOMAIN, LABEL, LABEL_1035, PATH_SEGMENT }

    /** Defaulting and server-owned fields on create (metadata uid/timestamps are already set). */
    default void prepareForCreate(ObjectNode obj) {
    }

    /** Defaulting and server-owned fields on update; {@code old} is the stored object (do not mutate it). */
    default void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        prepareForCreateDefaults(obj);
    }

    /** Defaulting shared by create and update (the part that is not "reset on create"). */
    default void prepareForCreateDefaults(ObjectNode obj) {
    }

    default List<Cause> validate(ObjectNode obj) {
        return List.of();
    }

    default List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        return validate(obj);
    }

    default NameRule nameRule() {
        return NameRule.SUBDOMAIN;
    }

    /** Whether PUT/PATCH on the main resource keep the stored status (kinds with a status subresource). */
    default boolean statusIsSubresource() {
        return false;
    }

    /** Where the scale subresource reads and writes replicas (kinds that have one). */
    default ScalePaths scale() {
        return ScalePaths.BUILT_IN;
    }

    /** Table columns (kubectl get). */
    default List<Column> columns() {
        return List.of(Column.named(), new Column("Created At", "date", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created.", 0));
    }

    /** One cell per column. */
    default List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "metadata.creationTimestamp"));
    }

    /** Field-selector fields beyond metadata.name and metadata.namespace. */
    default Set<String> selectableFields() {
        return Set.of();
    }

    /** The value of a selectable field ("" when unset). */
    default String fieldValue(ObjectNode obj, String field) {
        return Json.str(obj, field);
    }

    /**
     * The grace period a DELETE gets, or 0 to delete at once. {@code requested} is DeleteOptions.gracePeriodSeconds
     * (null when absent).
     */
    default long gracePeriod(ObjectNode obj, Long requested) {
        return 0;
    }

    /**
     * Runs when a DELETE reaches a stored object, before it is removed or marked for deletion (e.g. a namespace's
     * phase becomes Terminating); may refuse with an ApiException.
     */
    default void prepareForDelete(ObjectNode obj) {
    }

    /**
     * Whether nothing of the kind itself holds the object's deletion (metadata.finalizers aside): namespaces wait
     * for their spec.finalizers to empty.
     */
    default boolean finalized(ObjectNode obj) {
        return true;
    }

    /** Runs before the object is stored on create (e.g. allocate a cluster IP). */
    default CompletableFuture<Void> beforeCreate(ObjectNode obj) {
        return DONE;
    }

    /** Undoes {@link #beforeCreate} when the create failed. */
    default CompletableFuture<Void> createFailed(ObjectNode obj) {
        return DONE;
    }

    /** Runs before an update is written (not for dry runs), after validation (e.g. allocate a port it now needs). */
    default CompletableFuture<Void> beforeUpdate(ObjectNode obj, ObjectNode old) {
        return DONE;
    }

    /** Runs after an update was written ({@code written}) or lost a conflict (then undo {@link #beforeUpdate}). */
    default CompletableFuture<Void> afterUpdate(ObjectNode obj, ObjectNode old, boolean written) {
        return DONE;
    }

    /** Runs after the object was removed from the store. */
    default CompletableFuture<Void> afterDelete(ObjectNode obj) {
        return DONE;
    }
}
