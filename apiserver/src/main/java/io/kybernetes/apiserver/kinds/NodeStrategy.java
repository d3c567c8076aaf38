package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** Nodes (cluster-scoped): status through /status, the STATUS/ROLES/VERSION columns. */
@ApplicationScoped
public class NodeStrategy implements Strategy {

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("spec.unschedulable");
    }

    @Override
    public String fieldValue(ObjectNode obj, String field) {
        if (field.equals("spec.unschedulable")) {
            return Json.at(obj, field).asBoolean(false) ? "true" : "false";
        }
        return Json.str(obj, field);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Status", "string", "The status of the node"),
                Column.of("Roles", "string", "The roles of the node"),
                Column.age(),
                Column.of("Version", "string", "Kubelet Version reported by the node."),
                Column.wide("Internal-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available."),
                Column.wide("External-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available."),
                Column.wide("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
                Column.wide("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
                Column.wide("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."));
    }

    @Override
    public List<Object> cells(ObjectNode node) {
        String status = "Unknown";
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                status = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
            }
        }
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
            status += ",SchedulingDisabled";
        }
        List<String> roles = new ArrayList<>();
        node.path("metadata").path("labels").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("node-role.kubernetes.io/")) {
                roles.add(e.getKey().substring("node-role.kubernetes.io/".length()));
            } else if (e.getKey().equals("kubernetes.io/role")) {
                roles.add(e.getValue().asText());
            }
        });
        roles.sort(null);
        String internal = "<none>";
        String external = "<none>";
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals("InternalIP") && internal.equals("<none>")) {
                internal = a.path("address").asText();
            } else if (a.path("type").asText().equals("ExternalIP") && external.equals("<none>")) {
                external = a.path("address").asText();
            }
        }
        JsonNode info = node.path("status").path("nodeInfo");
        return List.of(Json.str(node, "metadata.name"), status, roles.isEmpty() ? "<none>" : String.join(",", roles),
                Age.since(Json.str(node, "metadata.creationTimestamp")), info.path("kubeletVersion").asText(""),
                internal, external, PodStrategy.or(info.path("osImage").asText(""), "<unknown>"),
                PodStrategy.or(info.path("kernelVersion").asText(""), "<unknown>"),
                PodStrategy.or(info.path("containerRuntimeVersion").asText(""), "<unknown>"));
    }
}
