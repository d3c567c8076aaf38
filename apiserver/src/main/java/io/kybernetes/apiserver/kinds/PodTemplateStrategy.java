package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;

/** Core v1 PodTemplates: the pod defaults of the template and kubectl's CONTAINERS/IMAGES/POD LABELS columns. */
public class PodTemplateStrategy implements Strategy {

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        Workloads.podTemplateDefaults(Json.with(obj, "template"));
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return PodSpecs.validate(obj.path("template").get("spec"), "template.spec");
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Containers", "string", "Names of each container in the template."),
                Column.of("Images", "string", "Images referenced by each container in the template."),
                Column.of("Pod Labels", "string", "The labels for the pod template."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : obj.path("template").path("spec").path("containers")) {
            names.add(c.path("name").asText());
            images.add(c.path("image").asText());
        }
        return List.of(Json.str(obj, "metadata.name"), String.join(",", names), String.join(",", images),
                Workloads.labels(obj.path("template").path("metadata").get("labels")));
    }
}
