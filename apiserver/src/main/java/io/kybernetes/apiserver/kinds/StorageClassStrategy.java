package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * storage.k8s.io/v1 StorageClasses: reclaimPolicy Delete, volumeBindingMode Immediate, an immutable provisioner and
 * parameters, the name marked "(default)" as kubectl shows the default class.
 */
public class StorageClassStrategy implements Strategy {

    static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        if (!obj.has("reclaimPolicy")) {
            obj.put("reclaimPolicy", "Delete");
        }
        if (!obj.has("volumeBindingMode")) {
            obj.put("volumeBindingMode", "Immediate");
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        if (obj.path("provisioner").asText("").isEmpty()) {
            causes.add(Cause.required("provisioner"));
        }
        String policy = obj.path("reclaimPolicy").asText("Delete");
        if (!policy.equals("Delete") && !policy.equals("Retain")) {
            causes.add(Cause.notSupported("reclaimPolicy", policy, "supported values: \"Delete\", \"Retain\""));
        }
        String mode = obj.path("volumeBindingMode").asText("Immediate");
        if (!mode.equals("Immediate") && !mode.equals("WaitForFirstConsumer")) {
            causes.add(Cause.notSupported("volumeBindingMode", mode,
                    "supported values: \"Immediate\", \"WaitForFirstConsumer\""));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        for (String f : new String[] {"provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"}) {
            if (!obj.path(f).equals(old.path(f))) {
                causes.add(Cause.forbidden(f, "updates to " + f + " are forbidden."));
            }
        }
        return causes;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Provisioner", "string", "Provisioner indicates the type of the provisioner."),
                Column.of("ReclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
                Column.of("VolumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
                Column.of("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        String name = Json.str(obj, "metadata.name");
        String isDefault = obj.path("metadata").path("annotations").path(DEFAULT_ANNOTATION).asText(
                obj.path("metadata").path("annotations").path("storageclass.beta.kubernetes.io/is-default-class").asText(""));
        if (isDefault.equals("true")) {
            name += " (default)";
        }
        return List.of(name, Json.str(obj, "provisioner"), obj.path("reclaimPolicy").asText("Delete"),
                obj.path("volumeBindingMode").asText("Immediate"),
                String.valueOf(obj.path("allowVolumeExpansion").asBoolean(false)),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
