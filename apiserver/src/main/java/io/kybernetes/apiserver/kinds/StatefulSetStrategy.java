package io.kybernetes.apiserver.kinds;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.table.Age;

/**
 * apps/v1 StatefulSets: upstream defaults (OrderedReady, RollingUpdate partition 0, history 10, PVC retention
 * Retain), volumeClaimTemplates defaults, selector validation, the READY column.
 */
public class StatefulSetStrategy extends WorkloadStrategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("replicas", 0).put("availableReplicas", 0);
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        Workloads.templateDefaults(obj);
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("podManagementPolicy")) {
            spec.put("podManagementPolicy", "OrderedReady");
        }
        ObjectNode strategy = Json.with(spec, "updateStrategy");
        if (!strategy.has("type")) {
            strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.with(strategy, "rollingUpdate");
            if (!ru.has("partition")) {
                ru.put("partition", 0);
            }
        }
        if (!spec.has("revisionHistoryLimit")) {
            spec.put("revisionHistoryLimit", 10);
        }
        ObjectNode retention = Json.with(spec, "persistentVolumeClaimRetentionPolicy");
        for (String f : new String[] {"whenDeleted", "whenScaled"}) {
            if (!retention.has(f)) {
                retention.put(f, "Retain");
            }
        }
        for (JsonNode t : spec.path("volumeClaimTemplates")) {
            if (t instanceof ObjectNode pvc) {
                pvc.put("apiVersion", "v1");
                pvc.put("kind", "PersistentVolumeClaim");
                PersistentVolumeClaimStrategy.specDefaults(Json.with(pvc, "spec"));
                if (!pvc.has("status")) {
                    pvc.putObject("status").put("phase", "Pending");
                }
            }
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Ready", "string", "Number of the pod with ready state"),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"),
                Workloads.num(obj, "status.readyReplicas") + "/" + Workloads.num(obj, "spec.replicas"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Workloads.containers(obj), Workloads.images(obj));
    }
}
