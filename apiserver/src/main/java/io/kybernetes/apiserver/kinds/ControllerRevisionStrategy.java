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

/** apps/v1 ControllerRevisions: data and revision are immutable, the CONTROLLER/REVISION columns. */
public class ControllerRevisionStrategy implements Strategy {

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        if (obj.path("revision").asLong(0) < 0) {
            causes.add(Cause.invalid("revision", obj.path("revision").asLong(), "must be greater than or equal to 0"));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("data").equals(old.path("data"))) {
            causes.add(Cause.invalid("data", "", "field is immutable"));
        }
        return causes;
    }

    /** "kind.group/name" of the controlling owner, "<none>" without one. */
    static String controller(JsonNode obj) {
        for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                String apiVersion = ref.path("apiVersion").asText("");
                String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                String kind = ref.path("kind").asText("").toLowerCase();
                return (group.isEmpty() ? kind : kind + "." + group) + "/" + ref.path("name").asText("");
            }
        }
        return "<none>";
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Controller", "string", "Controller of the object"),
                Column.of("Revision", "string", "Revision indicates the revision of the state represented by Data."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), controller(obj), obj.path("revision").asLong(0),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
