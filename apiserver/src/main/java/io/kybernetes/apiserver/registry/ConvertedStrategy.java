package io.kybernetes.apiserver.registry;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.status.Cause;

/**
 * The strategy of a served version that is stored in another one: everything is the storage version's strategy
 * (it runs on the storage form), except table cells and field values, which get a served object and convert it.
 */
public final class ConvertedStrategy implements Strategy {

    private final Strategy storage;
    private final Conversion conversion;

    public ConvertedStrategy(Strategy storage, Conversion conversion) {
        this.storage = storage;
        this.conversion = conversion;
    }

    private ObjectNode stored(ObjectNode served) {
        return conversion.toStorage(served.deepCopy());
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        storage.prepareForCreate(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        storage.prepareForUpdate(obj, old);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        storage.prepareForCreateDefaults(obj);
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return storage.validate(obj);
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        return storage.validateUpdate(obj, old);
    }

    @Override
    public NameRule nameRule() {
        return storage.nameRule();
    }

    @Override
    public boolean statusIsSubresource() {
        return storage.statusIsSubresource();
    }

    @Override
    public ScalePaths scale() {
        return storage.scale();
    }

    @Override
    public List<Column> columns() {
        return storage.columns();
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return storage.cells(stored(obj));
    }

    @Override
    public Set<String> selectableFields() {
        return storage.selectableFields();
    }

    @Override
    public String fieldValue(ObjectNode obj, String field) {
        return storage.fieldValue(stored(obj), field);
    }

    @Override
    public long gracePeriod(ObjectNode obj, Long requested) {
        return storage.gracePeriod(obj, requested);
    }

    @Override
    public void prepareForDelete(ObjectNode obj) {
        storage.prepareForDelete(obj);
    }

    @Override
    public boolean finalized(ObjectNode obj) {
        return storage.finalized(obj);
    }

    @Override
    public CompletableFuture<Void> beforeCreate(ObjectNode obj) {
        return storage.beforeCreate(obj);
    }

    @Override
    public CompletableFuture<Void> createFailed(ObjectNode obj) {
        return storage.createFailed(obj);
    }

    @Override
    public CompletableFuture<Void> beforeUpdate(ObjectNode obj, ObjectNode old) {
        return storage.beforeUpdate(obj, old);
    }

    @Override
    public CompletableFuture<Void> afterUpdate(ObjectNode obj, ObjectNode old, boolean written) {
        return storage.afterUpdate(obj, old, written);
    }

    @Override
    public CompletableFuture<Void> afterDelete(ObjectNode obj) {
        return storage.afterDelete(obj);
    }
}
