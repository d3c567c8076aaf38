package io.kybernetes.apiserver.kinds;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** ConfigMaps: the DATA column; immutable ones keep their data. */
@ApplicationScoped
public class ConfigMapStrategy implements Strategy {

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        return Immutability.check(obj, old, "data", "binaryData");
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Data", "string", "Number of data entries"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), obj.path("data").size() + obj.path("binaryData").size(),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
