package io.kybernetes.apiserver.kinds;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** coordination.k8s.io/v1 Leases: the HOLDER column. */
@ApplicationScoped
public class LeaseStrategy implements Strategy {

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Holder", "string", "The holder of the lease"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), PodStrategy.or(Json.str(obj, "spec.holderIdentity"), "<none>"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
