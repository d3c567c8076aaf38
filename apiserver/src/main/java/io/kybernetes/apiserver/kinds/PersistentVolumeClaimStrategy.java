package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** Core v1 PersistentVolumeClaims: volumeMode Filesystem, phase Pending, required access modes and storage request. */
public class PersistentVolumeClaimStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("phase", "Pending");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        specDefaults(Json.with(obj, "spec"));
    }

    static void specDefaults(ObjectNode spec) {
        if (!spec.has("volumeMode")) {
            spec.put("volumeMode", "Filesystem");
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return validateSpec(obj.path("spec"), "spec");
    }

    static List<Cause> validateSpec(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        if (spec.path("accessModes").isEmpty()) {
            causes.add(Cause.required(path + ".accessModes"));
        }
        if (spec.path("resources").path("requests").path("storage").asText("").isEmpty()) {
            causes.add(Cause.required(path + ".resources[storage]"));
        }
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
                Column.of("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
                Column.of("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
                Column.of("Access Modes", "string", "accessModes contains the desired access modes the volume should have."),
                Column.of("StorageClass", "string", "storageClassName is the name of the StorageClass required by the claim."),
                Column.of("VolumeAttributesClass", "string", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
                Column.age(),
                Column.wide("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        boolean bound = !Json.str(obj, "spec.volumeName").isEmpty();
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "status.phase"), Json.str(obj, "spec.volumeName"),
                bound ? Json.str(obj, "status.capacity.storage") : "",
                bound ? PersistentVolumeStrategy.accessModes(obj.path("status").path("accessModes")) : "",
                PersistentVolumeStrategy.storageClass(obj),
                PersistentVolumeStrategy.orUnset(Json.str(obj, "spec.volumeAttributesClassName")),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                PersistentVolumeStrategy.orUnset(Json.str(obj, "spec.volumeMode")));
    }
}
