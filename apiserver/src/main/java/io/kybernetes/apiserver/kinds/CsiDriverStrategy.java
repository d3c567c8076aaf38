package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** storage.k8s.io/v1 CSIDrivers: upstream's spec defaults and kubectl's columns. */
public class CsiDriverStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        for (String f : new String[] {"attachRequired"}) {
            if (!spec.has(f)) {
                spec.put(f, true);
            }
        }
        for (String f : new String[] {"podInfoOnMount", "storageCapacity", "requiresRepublish", "seLinuxMount"}) {
            if (!spec.has(f)) {
                spec.put(f, false);
            }
        }
        if (!spec.has("fsGroupPolicy")) {
            spec.put("fsGroupPolicy", "ReadWriteOnceWithFSType");
        }
        if (spec.path("volumeLifecycleModes").isEmpty()) {
            spec.putArray("volumeLifecycleModes").add("Persistent");
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("AttachRequired", "boolean", "attachRequired indicates this CSI volume driver requires an attach operation."),
                Column.of("PodInfoOnMount", "boolean", "podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations."),
                Column.of("StorageCapacity", "boolean", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity."),
                Column.of("TokenRequests", "string", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
                Column.of("RequiresRepublish", "boolean", "requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called to reflect any possible change in the mounted volume."),
                Column.of("Modes", "string", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<String> tokens = new ArrayList<>();
        for (JsonNode t : spec.path("tokenRequests")) {
            tokens.add(t.path("audience").asText(""));
        }
        List<String> modes = new ArrayList<>();
        spec.path("volumeLifecycleModes").forEach(m -> modes.add(m.asText()));
        return List.of(Json.str(obj, "metadata.name"), Workloads.bool(spec.path("attachRequired")),
                Workloads.bool(spec.path("podInfoOnMount")), Workloads.bool(spec.path("storageCapacity")),
                tokens.isEmpty() ? "<unset>" : String.join(",", tokens), Workloads.bool(spec.path("requiresRepublish")),
                String.join(",", modes), Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
