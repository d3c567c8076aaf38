package io.kybernetes.apiserver.kinds;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** ServiceAccounts: the SECRETS column. */
@ApplicationScoped
public class ServiceAccountStrategy implements Strategy {

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Secrets", "string", "Number of secrets"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), obj.path("secrets").size(),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
