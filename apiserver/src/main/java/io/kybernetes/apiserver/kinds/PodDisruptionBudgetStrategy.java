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

/** policy/v1 PodDisruptionBudgets: minAvailable xor maxUnavailable, a status subresource, kubectl's columns. */
public class PodDisruptionBudgetStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("disruptionsAllowed", 0).put("currentHealthy", 0).put("desiredHealthy", 0)
                .put("expectedPods", 0);
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        if (spec.hasNonNull("minAvailable") && spec.hasNonNull("maxUnavailable")) {
            causes.add(Cause.invalid("spec", Json.text(spec), "minAvailable and maxUnavailable cannot be both set"));
        }
        String policy = spec.path("unhealthyPodEvictionPolicy").asText("IfHealthyBudget");
        if (!policy.equals("IfHealthyBudget") && !policy.equals("AlwaysAllow")) {
            causes.add(Cause.notSupported("spec.unhealthyPodEvictionPolicy", policy,
                    "supported values: \"AlwaysAllow\", \"IfHealthyBudget\""));
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
                Column.of("Min Available", "string", "The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
                Column.of("Max Unavailable", "string", "The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
                Column.of("Allowed Disruptions", "integer", "Number of pod disruptions that are currently allowed."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        return List.of(Json.str(obj, "metadata.name"),
                spec.hasNonNull("minAvailable") ? spec.get("minAvailable").asText() : "N/A",
                spec.hasNonNull("maxUnavailable") ? spec.get("maxUnavailable").asText() : "N/A",
                obj.path("status").path("disruptionsAllowed").asLong(0),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
