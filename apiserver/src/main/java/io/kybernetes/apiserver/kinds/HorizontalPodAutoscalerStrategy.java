package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * autoscaling/v2 HorizontalPodAutoscalers (the storage version): minReplicas 1, a cpu 80% utilization metric when
 * none is given, behavior rules filled in when a behavior is given, the REFERENCE/TARGETS/MINPODS/MAXPODS columns.
 */
public class HorizontalPodAutoscalerStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("currentReplicas", 0).put("desiredReplicas", 0);
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("minReplicas")) {
            spec.put("minReplicas", 1);
        }
        if (spec.path("metrics").isEmpty()) {
            spec.set("metrics", cpuMetric(80));
        }
        if (spec.get("behavior") instanceof ObjectNode behavior) {
            ObjectNode up = Json.with(behavior, "scaleUp");
            if (!up.has("stabilizationWindowSeconds")) {
                up.put("stabilizationWindowSeconds", 0);
            }
            if (!up.has("selectPolicy")) {
                up.put("selectPolicy", "Max");
            }
            if (up.path("policies").isEmpty()) {
                ArrayNode p = up.putArray("policies");
                p.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
                p.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
            }
            ObjectNode down = Json.with(behavior, "scaleDown");
            if (!down.has("selectPolicy")) {
                down.put("selectPolicy", "Max");
            }
            if (down.path("policies").isEmpty()) {
                down.putArray("policies").addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
            }
        }
    }

    static ArrayNode cpuMetric(int utilization) {
        ArrayNode metrics = Json.array();
        ObjectNode m = metrics.addObject();
        m.put("type", "Resource");
        ObjectNode resource = m.putObject("resource");
        resource.put("name", "cpu");
        resource.putObject("target").put("type", "Utilization").put("averageUtilization", utilization);
        return metrics;
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode ref = spec.path("scaleTargetRef");
        if (ref.path("kind").asText("").isEmpty()) {
            causes.add(Cause.required("spec.scaleTargetRef.kind"));
        }
        if (ref.path("name").asText("").isEmpty()) {
            causes.add(Cause.required("spec.scaleTargetRef.name"));
        }
        long min = spec.path("minReplicas").asLong(1);
        long max = spec.path("maxReplicas").asLong(0);
        if (max < 1) {
            causes.add(Cause.invalid("spec.maxReplicas", max, "must be greater than 0"));
        } else if (min > max) {
            causes.add(Cause.invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
        }
        if (min < 1) {
            causes.add(Cause.invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
        }
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    /** The TARGETS cell: "cpu: 20%/80%", "<unknown>" where no current value is known yet. */
    static String targets(JsonNode obj) {
        JsonNode metrics = obj.path("spec").path("metrics");
        if (metrics.isEmpty()) {
            return "<none>";
        }
        JsonNode current = obj.path("status").path("currentMetrics");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode m = metrics.get(i);
            JsonNode cur = current.path(i);
            String type = m.path("type").asText();
            String key = type.equals("ContainerResource") ? "containerResource" : type.isEmpty() ? ""
                    : Character.toLowerCase(type.charAt(0)) + type.substring(1);
            JsonNode target = m.path(key).path("target");
            JsonNode now = cur.path(key).path("current");
            String name = m.path(key).path("name").asText(m.path(key).path("metric").path("name").asText(""));
            if (target.has("averageUtilization")) {
                String c = now.has("averageUtilization") ? now.get("averageUtilization").asText() + "%" : "<unknown>";
                out.add(name + ": " + c + "/" + target.get("averageUtilization").asText() + "%");
            } else if (target.has("averageValue")) {
                String c = now.has("averageValue") ? now.get("averageValue").asText() : "<unknown>";
                out.add(name + ": " + c + "/" + target.get("averageValue").asText() + " (avg)");
            } else {
                String c = now.has("value") ? now.get("value").asText() : "<unknown>";
                out.add(name + ": " + c + "/" + target.path("value").asText(""));
            }
        }
        return String.join(", ", out);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Reference", "string", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
                Column.of("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
                Column.of("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
                Column.of("MaxPods", "integer", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
                Column.of("Replicas", "integer", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        String min = spec.has("minReplicas") ? spec.get("minReplicas").asText() : "<unset>";
        return List.of(Json.str(obj, "metadata.name"),
                spec.path("scaleTargetRef").path("kind").asText("") + "/" + spec.path("scaleTargetRef").path("name").asText(""),
                targets(obj), min, spec.path("maxReplicas").asLong(0),
                obj.path("status").path("currentReplicas").asLong(0),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
