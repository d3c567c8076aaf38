package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** Core v1 ResourceQuotas: a status subresource and kubectl's AGE/REQUEST/LIMIT columns (used/hard per resource). */
public class ResourceQuotaStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.age(),
                Column.of("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
                Column.of("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode hard = obj.path("spec").path("hard");
        JsonNode used = obj.path("status").path("used");
        List<String> requests = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>();
        hard.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            String cell = k + ": " + used.path(k).asText("0") + "/" + hard.path(k).asText();
            (k.startsWith("limits.") ? limits : requests).add(cell);
        }
        return List.of(Json.str(obj, "metadata.name"), Age.since(Json.str(obj, "metadata.creationTimestamp")),
                String.join(", ", requests), String.join(", ", limits));
    }
}
