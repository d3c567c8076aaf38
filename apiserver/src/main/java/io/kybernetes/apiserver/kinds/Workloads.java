package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.Cause;

/** What deployments and replicasets share: template defaulting, selector validation, the wide columns. */
final class Workloads {

    private Workloads() {
    }

    static void templateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("replicas")) {
            spec.put("replicas", 1);
        }
        ObjectNode template = Json.with(spec, "template");
        PodSpecs.defaults(Json.with(template, "spec"));
        if (!template.has("metadata")) {
            template.putObject("metadata");
        }
    }

    static List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode selector = spec.get("selector");
        if (selector == null || selector.isNull() || (selector.path("matchLabels").isEmpty()
                && selector.path("matchExpressions").isEmpty())) {
            causes.add(Cause.required("spec.selector"));
        } else {
            JsonNode labels = spec.path("template").path("metadata").path("labels");
            try {
                if (!LabelSelector.fromObject(selector).matches(labels)) {
                    causes.add(Cause.invalid("spec.template.metadata.labels", Json.text(labels),
                            "`selector` does not match template `labels`"));
                }
            } catch (IllegalArgumentException e) {
                causes.add(Cause.invalid("spec.selector", Json.text(selector), e.getMessage()));
            }
        }
        if (spec.path("replicas").asInt(0) < 0) {
            causes.add(Cause.invalid("spec.replicas", spec.path("replicas").asInt(), "must be greater than or equal to 0"));
        }
        causes.addAll(PodSpecs.validate(spec.path("template").get("spec"), "spec.template.spec"));
        String rp = spec.path("template").path("spec").path("restartPolicy").asText("Always");
        if (!rp.equals("Always")) {
            causes.add(Cause.notSupported("spec.template.spec.restartPolicy", rp, "supported values: \"Always\""));
        }
        return causes;
    }

    static List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("spec").path("selector").equals(old.path("spec").path("selector"))) {
            causes.add(Cause.invalid("spec.selector", Json.text(obj.path("spec").path("selector")),
                    "field is immutable"));
        }
        return causes;
    }

    static String containers(ObjectNode obj) {
        List<String> names = new ArrayList<>();
        obj.path("spec").path("template").path("spec").path("containers").forEach(c -> names.add(c.path("name").asText()));
        return String.join(",", names);
    }

    static String images(ObjectNode obj) {
        List<String> images = new ArrayList<>();
        obj.path("spec").path("template").path("spec").path("containers").forEach(c -> images.add(c.path("image").asText()));
        return String.join(",", images);
    }

    static String selector(ObjectNode obj) {
        String s = LabelSelector.format(obj.path("spec").get("selector"));
        return s.isEmpty() ? "<none>" : s;
    }
}
