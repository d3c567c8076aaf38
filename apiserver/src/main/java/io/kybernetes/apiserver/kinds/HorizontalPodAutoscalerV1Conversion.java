package io.kybernetes.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Conversion;

/**
 * autoscaling/v1 HorizontalPodAutoscalers served from the autoscaling/v2 storage: v1's
 * targetCPUUtilizationPercentage is v2's cpu Resource metric with an Utilization target (and the current cpu
 * utilization likewise); v2's other metrics and behavior have no v1 field and are dropped from the v1 view
 * (upstream keeps them in annotations).
 */
public final class HorizontalPodAutoscalerV1Conversion implements Conversion {

    @Override
    public ObjectNode toStorage(ObjectNode v1) {
        v1.put("apiVersion", "autoscaling/v2");
        v1.put("kind", "HorizontalPodAutoscaler");
        ObjectNode spec = Json.with(v1, "spec");
        JsonNode target = spec.remove("targetCPUUtilizationPercentage");
        if (target != null && !target.isNull()) {
            spec.set("metrics", HorizontalPodAutoscalerStrategy.cpuMetric(target.asInt()));
        }
        if (v1.get("status") instanceof ObjectNode status) {
            JsonNode current = status.remove("currentCPUUtilizationPercentage");
            if (current != null && !current.isNull()) {
                ArrayNode metrics = status.putArray("currentMetrics");
                ObjectNode m = metrics.addObject();
                m.put("type", "Resource");
                ObjectNode resource = m.putObject("resource");
                resource.put("name", "cpu");
                resource.putObject("current").put("averageUtilization", current.asInt());
            }
        }
        return v1;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode v2) {
        v2.put("apiVersion", "autoscaling/v1");
        v2.put("kind", "HorizontalPodAutoscaler");
        if (v2.get("spec") instanceof ObjectNode spec) {
            JsonNode metrics = spec.remove("metrics");
            spec.remove("behavior");
            Integer cpu = cpuUtilization(metrics, "target");
            if (cpu != null) {
                spec.put("targetCPUUtilizationPercentage", cpu);
            }
        }
        if (v2.get("status") instanceof ObjectNode status) {
            JsonNode current = status.remove("currentMetrics");
            status.remove("conditions");
            Integer cpu = cpuUtilization(current, "current");
            if (cpu != null) {
                status.put("currentCPUUtilizationPercentage", cpu);
            }
        }
        return v2;
    }

    private static Integer cpuUtilization(JsonNode metrics, String field) {
        if (metrics == null) {
            return null;
        }
        for (JsonNode m : metrics) {
            JsonNode r = m.path("resource");
            if (m.path("type").asText().equals("Resource") && r.path("name").asText().equals("cpu")
                    && r.path(field).has("averageUtilization")) {
                return r.path(field).get("averageUtilization").asInt();
            }
        }
        return null;
    }
}
