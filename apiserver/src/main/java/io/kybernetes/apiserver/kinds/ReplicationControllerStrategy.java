package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * Core v1 ReplicationControllers: replicas 1, a selector (a plain label map) defaulted from the template labels,
 * template pod defaults, status and scale subresources, the DESIRED/CURRENT/READY columns.
 */
public class ReplicationControllerStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("replicas", 0);
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        Workloads.templateDefaults(obj);
        JsonNode labels = spec.path("template").path("metadata").path("labels");
        if (spec.path("selector").isEmpty() && labels.size() > 0) {
            spec.set("selector", labels.deepCopy());
        }
        if (Json.with(obj, "metadata").path("labels").isEmpty() && labels.size() > 0) {
            Json.with(obj, "metadata").set("labels", labels.deepCopy());
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode selector = spec.path("selector");
        if (selector.isEmpty()) {
            causes.add(Cause.required("spec.selector"));
        } else {
            JsonNode labels = spec.path("template").path("metadata").path("labels");
            var it = selector.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
                    causes.add(Cause.invalid("spec.template.metadata.labels", Json.text(labels),
                            "`selector` does not match template `labels`"));
                    break;
                }
            }
        }
        if (spec.path("replicas").asInt(0) < 0) {
            causes.add(Cause.invalid("spec.replicas", spec.path("replicas").asInt(), "must be greater than or equal to 0"));
        }
        causes.addAll(PodSpecs.validate(spec.path("template").get("spec"), "spec.template.spec"));
        causes.addAll(Workloads.restartPolicy(spec.path("template"), "spec.template", Workloads.ALWAYS));
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    /** The selector as a Scale carries it ("app=web"). */
    public static String selector(JsonNode obj) {
        JsonNode sel = obj.path("spec").path("selector");
        if (sel.has("matchLabels") || sel.has("matchExpressions")) {
            return LabelSelector.format(sel);
        }
        String s = Workloads.labels(sel);
        return s.equals("<none>") ? "" : s;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Desired", "integer", "Replicas is the number of desired replicas."),
                Column.of("Current", "integer", "Replicas is the most recently observed number of replicas."),
                Column.of("Ready", "integer", "The number of ready replicas for this replication controller."),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."),
                Column.wide("Selector", "string", "Selector is a label query over pods that should match the Replicas count."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        String sel = selector(obj);
        return List.of(Json.str(obj, "metadata.name"), Workloads.num(obj, "spec.replicas"),
                Workloads.num(obj, "status.replicas"), Workloads.num(obj, "status.readyReplicas"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Workloads.containers(obj), Workloads.images(obj), sel.isEmpty() ? "<none>" : sel);
    }
}
