package io.kybernetes.apiserver.kinds;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.table.Age;

/** apps/v1 ReplicaSets: template defaulting, selector validation, the DESIRED/CURRENT/READY columns. */
@ApplicationScoped
public class ReplicaSetStrategy extends WorkloadStrategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("replicas", 0);
        Workloads.templateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        Workloads.templateDefaults(obj);
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("status.replicas");
    }

    @Override
    public String fieldValue(ObjectNode obj, String field) {
        return field.equals("status.replicas") ? String.valueOf(Json.at(obj, field).asLong(0)) : Json.str(obj, field);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Desired", "integer", "Replicas is the number of desired replicas."),
                Column.of("Current", "integer", "Replicas is the most recently observed number of replicas."),
                Column.of("Ready", "integer", "The number of ready replicas for this replica set."),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."),
                Column.wide("Selector", "string", "Selector is a label query over pods that should match the replica count."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode st = obj.path("status");
        return List.of(Json.str(obj, "metadata.name"), obj.path("spec").path("replicas").asLong(0),
                st.path("replicas").asLong(0), st.path("readyReplicas").asLong(0),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Workloads.containers(obj), Workloads.images(obj), Workloads.selector(obj));
    }
}
