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
 * scheduling.k8s.io/v1 PriorityClasses: preemptionPolicy PreemptLowerPriority, an immutable value, values above one
 * billion and the "system-" prefix reserved for the two built-in classes.
 */
public class PriorityClassStrategy implements Strategy {

    public static final long HIGHEST_USER_DEFINABLE = 1_000_000_000L;
    public static final String NODE_CRITICAL = "system-node-critical";
    public static final String CLUSTER_CRITICAL = "system-cluster-critical";

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        if (!obj.has("preemptionPolicy")) {
            obj.put("preemptionPolicy", "PreemptLowerPriority");
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        String name = Json.str(obj, "metadata.name");
        boolean system = name.equals(NODE_CRITICAL) || name.equals(CLUSTER_CRITICAL);
        if (!obj.has("value")) {
            causes.add(Cause.required("value"));
        } else if (!system && obj.get("value").asLong() > HIGHEST_USER_DEFINABLE) {
            causes.add(Cause.forbidden("value", "maximum allowed value of a user defined priority is "
                    + HIGHEST_USER_DEFINABLE));
        }
        if (!system && name.startsWith("system-")) {
            causes.add(Cause.forbidden("metadata.name", "priority class names with 'system-' prefix are reserved"));
        }
        String policy = obj.path("preemptionPolicy").asText("PreemptLowerPriority");
        if (!policy.equals("PreemptLowerPriority") && !policy.equals("Never")) {
            causes.add(Cause.notSupported("preemptionPolicy", policy,
                    "supported values: \"Never\", \"PreemptLowerPriority\""));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = new ArrayList<>(validate(obj));
        if (!obj.path("value").equals(old.path("value"))) {
            causes.add(Cause.forbidden("value", "may not be changed in an update."));
        }
        if (!obj.path("preemptionPolicy").equals(old.path("preemptionPolicy"))) {
            causes.add(Cause.invalid("preemptionPolicy", obj.path("preemptionPolicy").asText(""), "field is immutable"));
        }
        return causes;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Value", "integer", "value represents the integer value of this priority class."),
                Column.of("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
                Column.age(),
                Column.of("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), obj.path("value").asLong(0),
                obj.path("globalDefault").asBoolean(false), Age.since(Json.str(obj, "metadata.creationTimestamp")),
                obj.path("preemptionPolicy").asText("PreemptLowerPriority"));
    }
}
