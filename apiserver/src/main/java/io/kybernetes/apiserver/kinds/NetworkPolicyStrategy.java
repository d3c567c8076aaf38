package io.kybernetes.apiserver.kinds;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.table.Age;

/** networking.k8s.io/v1 NetworkPolicies: policyTypes and port protocol defaults, the POD-SELECTOR column. */
public class NetworkPolicyStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("podSelector")) {
            spec.putObject("podSelector");
        }
        if (spec.path("policyTypes").isEmpty()) {
            ArrayNode types = spec.putArray("policyTypes");
            types.add("Ingress");
            if (spec.has("egress")) {
                types.add("Egress");
            }
        }
        for (String dir : new String[] {"ingress", "egress"}) {
            for (JsonNode rule : spec.path(dir)) {
                for (JsonNode port : rule.path("ports")) {
                    if (port instanceof ObjectNode p && !p.has("protocol")) {
                        p.put("protocol", "TCP");
                    }
                }
            }
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Pod-Selector", "string", "Selects the pods to which this NetworkPolicy object applies."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        String sel = LabelSelector.format(obj.path("spec").get("podSelector"));
        return List.of(Json.str(obj, "metadata.name"), sel.isEmpty() ? "<none>" : sel,
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
