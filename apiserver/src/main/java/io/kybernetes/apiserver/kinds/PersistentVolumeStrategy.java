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

/** Core v1 PersistentVolumes: reclaim policy Retain, volumeMode Filesystem, phase Pending, kubectl's columns. */
public class PersistentVolumeStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("phase", "Pending");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("persistentVolumeReclaimPolicy")) {
            spec.put("persistentVolumeReclaimPolicy", "Retain");
        }
        if (!spec.has("volumeMode")) {
            spec.put("volumeMode", "Filesystem");
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        if (spec.path("accessModes").isEmpty()) {
            causes.add(Cause.required("spec.accessModes"));
        }
        if (spec.path("capacity").path("storage").asText("").isEmpty()) {
            causes.add(Cause.required("spec.capacity"));
        }
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    /** RWO, ROX, RWX, RWOP as kubectl abbreviates access modes. */
    static String accessModes(JsonNode modes) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : modes) {
            switch (m.asText()) {
                case "ReadWriteOnce" -> out.add("RWO");
                case "ReadOnlyMany" -> out.add("ROX");
                case "ReadWriteMany" -> out.add("RWX");
                case "ReadWriteOncePod" -> out.add("RWOP");
                default -> { }
            }
        }
        return String.join(",", out);
    }

    /** spec.storageClassName, or the beta annotation that preceded it. */
    static String storageClass(JsonNode obj) {
        String sc = obj.path("spec").path("storageClassName").asText("");
        if (sc.isEmpty()) {
            sc = obj.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class").asText("");
        }
        return sc;
    }

    static String orUnset(String s) {
        return s.isEmpty() ? "<unset>" : s;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
                Column.of("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
                Column.of("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
                Column.of("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
                Column.of("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
                Column.of("StorageClass", "string", "storageClassName is the name of StorageClass to which this persistent volume belongs."),
                Column.of("VolumeAttributesClass", "string", "Name of VolumeAttributesClass to which this persistent volume belongs."),
                Column.of("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
                Column.age(),
                Column.wide("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode ref = obj.path("spec").path("claimRef");
        String claim = ref.isMissingNode() || ref.isNull() ? ""
                : ref.path("namespace").asText("") + "/" + ref.path("name").asText("");
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "spec.capacity.storage"),
                accessModes(obj.path("spec").path("accessModes")), Json.str(obj, "spec.persistentVolumeReclaimPolicy"),
                Json.str(obj, "status.phase"), claim, storageClass(obj),
                orUnset(Json.str(obj, "spec.volumeAttributesClassName")), Json.str(obj, "status.reason"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")), orUnset(Json.str(obj, "spec.volumeMode")));
    }
}
