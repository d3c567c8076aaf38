package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** networking.k8s.io/v1 Ingresses: path types and backends required, a status subresource, kubectl's columns. */
public class IngressStrategy implements Strategy {

    static final Set<String> PATH_TYPES = Set.of("Exact", "Prefix", "ImplementationSpecific");

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").putObject("loadBalancer");
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        if (spec.path("rules").isEmpty() && !spec.has("defaultBackend")) {
            causes.add(Cause.invalid("spec", Json.text(spec), "either `defaultBackend` or `rules` must be specified"));
        }
        JsonNode rules = spec.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode paths = rules.get(i).path("http").path("paths");
            for (int j = 0; j < paths.size(); j++) {
                String p = "spec.rules[" + i + "].http.paths[" + j + "]";
                JsonNode path = paths.get(j);
                String type = path.path("pathType").asText("");
                if (type.isEmpty()) {
                    causes.add(Cause.required(p + ".pathType"));
                } else if (!PATH_TYPES.contains(type)) {
                    causes.add(Cause.notSupported(p + ".pathType", type,
                            "supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""));
                }
                if (!type.equals("ImplementationSpecific") && !path.path("path").asText("/").startsWith("/")) {
                    causes.add(Cause.invalid(p + ".path", path.path("path").asText(), "must be an absolute path"));
                }
                if (!path.has("backend")) {
                    causes.add(Cause.required(p + ".backend"));
                }
            }
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
                Column.of("Class", "string", "The name of the IngressClass resource that should be used for this Ingress."),
                Column.of("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
                Column.of("Address", "string", "Address is a list containing ingress points for the load-balancer"),
                Column.of("Ports", "string", "Ports of TLS configurations that open"),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        String cls = spec.path("ingressClassName").asText("");
        if (cls.isEmpty()) {
            cls = obj.path("metadata").path("annotations").path("kubernetes.io/ingress.class").asText("<none>");
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (JsonNode rule : spec.path("rules")) {
            hosts.add(rule.path("host").asText("").isEmpty() ? "*" : rule.path("host").asText());
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode lb : obj.path("status").path("loadBalancer").path("ingress")) {
            addresses.add(lb.has("ip") ? lb.get("ip").asText() : lb.path("hostname").asText());
        }
        return List.of(Json.str(obj, "metadata.name"), cls, hosts.isEmpty() ? "*" : String.join(",", hosts),
                String.join(",", addresses), spec.path("tls").isEmpty() ? "80" : "80, 443",
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
