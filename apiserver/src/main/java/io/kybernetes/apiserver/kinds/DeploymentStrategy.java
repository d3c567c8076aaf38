package io.kybernetes.apiserver.kinds;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.table.Age;

/** apps/v1 Deployments: upstream defaults, selector validation, the READY/UP-TO-DATE/AVAILABLE columns. */
@ApplicationScoped
public class DeploymentStrategy extends WorkloadStrategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        Workloads.templateDefaults(obj);
        ObjectNode spec = Json.with(obj, "spec");
        ObjectNode strategy = Json.with(spec, "strategy");
        if (!strategy.has("type")) {
            strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.with(strategy, "rollingUpdate");
            if (!ru.has("maxUnavailable")) {
                ru.put("maxUnavailable", "25%");
            }
            if (!ru.has("maxSurge")) {
                ru.put("maxSurge", "25%");
            }
        }
        if (!spec.has("revisionHistoryLimit")) {
            spec.put("revisionHistoryLimit", 10);
        }
        if (!spec.has("progressDeadlineSeconds")) {
            spec.put("progressDeadlineSeconds", 600);
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Ready", "string", "Number of the pod with ready state"),
                Column.of("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                Column.of("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."),
                Column.wide("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode st = obj.path("status");
        return List.of(Json.str(obj, "metadata.name"),
                st.path("readyReplicas").asLong(0) + "/" + obj.path("spec").path("replicas").asLong(0),
                st.path("updatedReplicas").asLong(0),
                st.path("availableReplicas").asLong(0),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Workloads.containers(obj), Workloads.images(obj), Workloads.selector(obj));
    }
}
