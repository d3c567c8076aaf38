package io.kybernetes.apiserver.kinds;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** Namespaces: DNS-1123 label names, phase Active, the kubernetes.io/metadata.name label. */
@ApplicationScoped
public class NamespaceStrategy implements Strategy {

    @Override
    public NameRule nameRule() {
        return NameRule.LABEL;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("phase", "Active");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        Json.with(obj, "metadata", "labels").put("kubernetes.io/metadata.name", Json.str(obj, "metadata.name"));
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("status.phase");
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Status", "string", "The status of the namespace"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "status.phase"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
