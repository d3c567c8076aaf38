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

/** discovery.k8s.io/v1 EndpointSlices: an immutable addressType, port protocol TCP, the PORTS/ENDPOINTS columns. */
public class EndpointSliceStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        for (JsonNode p : obj.path("ports")) {
            if (p instanceof ObjectNode port) {
                if (!port.has("protocol")) {
                    port.put("protocol", "TCP");
                }
                if (!port.has("name")) {
                    port.put("name", "");
                }
            }
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        String type = obj.path("addressType").asText("");
        if (type.isEmpty()) {
            causes.add(Cause.required("addressType"));
        } else if (!List.of("IPv4", "IPv6", "FQDN").contains(type)) {
            causes.add(Cause.notSupported("addressType", type, "supported values: \"FQDN\", \"IPv4\", \"IPv6\""));
        }
        JsonNode endpoints = obj.path("endpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).path("addresses").isEmpty()) {
                causes.add(Cause.required("endpoints[" + i + "].addresses"));
            }
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("addressType").equals(old.path("addressType"))) {
            causes.add(Cause.invalid("addressType", obj.path("addressType").asText(""), "field is immutable"));
        }
        return causes;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("AddressType", "string", "The IP protocol for this slice"),
                Column.of("Ports", "string", "The ports for this slice"),
                Column.of("Endpoints", "string", "First N endpoints for this slice"),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        List<String> ports = new ArrayList<>();
        for (JsonNode p : obj.path("ports")) {
            ports.add(p.hasNonNull("port") ? p.get("port").asText() : "<unset>");
        }
        List<String> addresses = new ArrayList<>();
        int total = 0;
        for (JsonNode e : obj.path("endpoints")) {
            for (JsonNode a : e.path("addresses")) {
                if (addresses.size() < 3) {
                    addresses.add(a.asText());
                }
                total++;
            }
        }
        String eps = addresses.isEmpty() ? "<unset>" : String.join(",", addresses);
        if (total > 3) {
            eps += " + " + (total - 3) + " more...";
        }
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "addressType"),
                obj.path("ports").isEmpty() ? "<unset>" : String.join(",", ports), eps,
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
