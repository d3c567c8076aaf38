package io.kybernetes.apiserver.kinds;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** apps/v1 DaemonSets: RollingUpdate maxUnavailable 1 maxSurge 0, history 10, no replicas, kubectl's columns. */
public class DaemonSetStrategy extends WorkloadStrategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("currentNumberScheduled", 0).put("numberMisscheduled", 0)
                .put("desiredNumberScheduled", 0).put("numberReady", 0);
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        Workloads.podTemplateDefaults(Json.with(spec, "template"));
        ObjectNode strategy = Json.with(spec, "updateStrategy");
        if (!strategy.has("type")) {
            strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.with(strategy, "rollingUpdate");
            if (!ru.has("maxUnavailable")) {
                ru.put("maxUnavailable", 1);
            }
            if (!ru.has("maxSurge")) {
                ru.put("maxSurge", 0);
            }
        }
        if (!spec.has("revisionHistoryLimit")) {
            spec.put("revisionHistoryLimit", 10);
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return Workloads.validate(obj);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
                Column.of("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
                Column.of("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
                Column.of("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
                Column.of("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
                Column.of("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."),
                Column.wide("Selector", "string", "A label query over pods that are managed by the daemon set."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), Workloads.num(obj, "status.desiredNumberScheduled"),
                Workloads.num(obj, "status.currentNumberScheduled"), Workloads.num(obj, "status.numberReady"),
                Workloads.num(obj, "status.updatedNumberScheduled"), Workloads.num(obj, "status.numberAvailable"),
                Workloads.labels(obj.path("spec").path("template").path("spec").get("nodeSelector")),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Workloads.containers(obj), Workloads.images(obj), Workloads.selector(obj));
    }
}
