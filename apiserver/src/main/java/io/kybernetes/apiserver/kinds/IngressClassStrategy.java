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

/** networking.k8s.io/v1 IngressClasses: a required, immutable controller and the CONTROLLER/PARAMETERS columns. */
public class IngressClassStrategy implements Strategy {

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        if (Json.str(obj, "spec.controller").isEmpty()) {
            causes.add(Cause.required("spec.controller"));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!Json.str(obj, "spec.controller").equals(Json.str(old, "spec.controller"))) {
            causes.add(Cause.invalid("spec.controller", Json.str(obj, "spec.controller"), "field is immutable"));
        }
        return causes;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Controller", "string", "Controller that is responsible for handling this class"),
                Column.of("Parameters", "string", "A reference to a resource with additional parameters"),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode p = obj.path("spec").path("parameters");
        String params = "<none>";
        if (p.has("name")) {
            String group = p.path("apiGroup").asText("");
            params = p.path("kind").asText("") + (group.isEmpty() ? "" : "." + group) + "/" + p.path("name").asText();
        }
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "spec.controller"), params,
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
