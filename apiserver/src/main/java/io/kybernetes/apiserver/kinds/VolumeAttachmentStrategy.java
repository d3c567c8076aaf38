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

/** storage.k8s.io/v1 VolumeAttachments: attacher, node and source required and immutable, a status subresource. */
public class VolumeAttachmentStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        for (String f : new String[] {"attacher", "nodeName"}) {
            if (Json.str(obj, "spec." + f).isEmpty()) {
                causes.add(Cause.required("spec." + f));
            }
        }
        if (obj.path("spec").path("source").isEmpty()) {
            causes.add(Cause.required("spec.source"));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("spec").equals(old.path("spec"))) {
            causes.add(Cause.invalid("spec", Json.text(obj.path("spec")), "field is immutable"));
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
                Column.of("Attacher", "string", "Attacher indicates the name of the volume driver that MUST handle this request."),
                Column.of("PV", "string", "Name of the persistent volume to attach."),
                Column.of("Node", "string", "The node that the volume should be attached to."),
                Column.of("Attached", "boolean", "Indicates the volume is successfully attached."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        return List.of(Json.str(obj, "metadata.name"), spec.path("attacher").asText(""),
                spec.path("source").path("persistentVolumeName").asText(""), spec.path("nodeName").asText(""),
                obj.path("status").path("attached").asBoolean(false),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
