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
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** Pods: PodSpec defaulting, status Pending/qosClass on create, graceful deletion once bound, kubectl's columns. */
@ApplicationScoped
public class PodStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        PodSpecs.defaults(spec);
        ObjectNode status = obj.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", PodSpecs.qosClass(spec));
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        PodSpecs.defaults(Json.with(obj, "spec"));
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return PodSpecs.validate(obj.get("spec"), "spec");
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public long gracePeriod(ObjectNode obj, Long requested) {
        String phase = Json.str(obj, "status.phase");
        if (Json.str(obj, "spec.nodeName").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            return 0;
        }
        if (requested != null) {
            return Math.max(0, requested);
        }
        JsonNode t = Json.at(obj, "spec.terminationGracePeriodSeconds");
        return t.isNumber() ? t.asLong() : 30;
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName");
    }

    @Override
    public String fieldValue(ObjectNode obj, String field) {
        if (field.equals("spec.hostNetwork")) {
            return Json.at(obj, field).asBoolean(false) ? "true" : "false";
        }
        return Json.str(obj, field);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
                Column.of("Status", "string", "The aggregate status of the containers in this pod."),
                Column.of("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
                Column.age(),
                Column.wide("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
                Column.wide("Node", "string", "NodeName is a request to schedule this pod onto a specific node."),
                Column.wide("Nominated Node", "string", "nominatedNodeName is set when this pod preempts other pods on the node."),
                Column.wide("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness."));
    }

    @Override
    public List<Object> cells(ObjectNode pod) {
        JsonNode status = pod.path("status");
        int total = pod.path("spec").path("containers").size();
        int ready = 0;
        long restarts = 0;
        String reason = status.path("phase").asText("");
        if (!status.path("reason").asText("").isEmpty()) {
            reason = status.path("reason").asText();
        }
        boolean initializing = false;
        JsonNode inits = status.path("initContainerStatuses");
        for (int i = 0; i < inits.size(); i++) {
            JsonNode c = inits.get(i);
            restarts += c.path("restartCount").asLong(0);
            JsonNode term = c.path("state").path("terminated");
            JsonNode wait = c.path("state").path("waiting");
            if (!term.isMissingNode() && term.path("exitCode").asInt(0) == 0) {
                continue;
            }
            if (!term.isMissingNode()) {
                reason = "Init:" + (term.path("reason").asText("").isEmpty()
                        ? "ExitCode:" + term.path("exitCode").asInt() : term.path("reason").asText());
            } else if (!wait.isMissingNode() && !wait.path("reason").asText("").isEmpty()
                    && !wait.path("reason").asText().equals("PodInitializing")) {
                reason = "Init:" + wait.path("reason").asText();
            } else {
                reason = "Init:" + i + "/" + pod.path("spec").path("initContainers").size();
            }
            initializing = true;
            break;
        }
        if (!initializing) {
            boolean hasRunning = false;
            JsonNode cs = status.path("containerStatuses");
            for (int i = cs.size() - 1; i >= 0; i--) {
                JsonNode c = cs.get(i);
                restarts += c.path("restartCount").asLong(0);
                JsonNode state = c.path("state");
                JsonNode wait = state.path("waiting");
                JsonNode term = state.path("terminated");
                if (!wait.path("reason").asText("").isEmpty()) {
                    reason = wait.path("reason").asText();
                } else if (!term.path("reason").asText("").isEmpty()) {
                    reason = term.path("reason").asText();
                } else if (!term.isMissingNode()) {
                    reason = term.path("signal").asInt(0) != 0 ? "Signal:" + term.path("signal").asInt()
                            : "ExitCode:" + term.path("exitCode").asInt();
                } else if (!state.path("running").isMissingNode() && c.path("ready").asBoolean(false)) {
                    hasRunning = true;
                    ready++;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = "Running";
            }
        }
        if (!Json.str(pod, "metadata.deletionTimestamp").isEmpty()) {
            reason = status.path("reason").asText("").equals("NodeLost") ? "Unknown" : "Terminating";
        }
        List<Object> cells = new ArrayList<>();
        cells.add(Json.str(pod, "metadata.name"));
        cells.add(ready + "/" + total);
        cells.add(reason);
        cells.add(String.valueOf(restarts));
        cells.add(Age.since(Json.str(pod, "metadata.creationTimestamp")));
        cells.add(or(status.path("podIP").asText(""), "<none>"));
        cells.add(or(Json.str(pod, "spec.nodeName"), "<none>"));
        cells.add(or(status.path("nominatedNodeName").asText(""), "<none>"));
        JsonNode gates = pod.path("spec").path("readinessGates");
        if (gates.isEmpty()) {
            cells.add("<none>");
        } else {
            int trueGates = 0;
            for (JsonNode g : gates) {
                for (JsonNode cond : status.path("conditions")) {
                    if (cond.path("type").asText().equals(g.path("conditionType").asText())
                            && cond.path("status").asText().equals("True")) {
                        trueGates++;
                    }
                }
            }
            cells.add(trueGates + "/" + gates.size());
        }
        return cells;
    }

    static String or(String v, String dflt) {
        return v == null || v.isEmpty() ? dflt : v;
    }
}
