package io.kybernetes.apiserver.admission.tolerations;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MutatingPlugin;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.json.Json;

/**
 * Upstream's DefaultTolerationSeconds: a new pod that does not tolerate the NoExecute taints
 * node.kubernetes.io/not-ready and node.kubernetes.io/unreachable gets tolerations for them of
 * {@value #SECONDS} seconds, so it is evicted from a lost node after five minutes.
 */
@ApplicationScoped
public class DefaultTolerationSeconds implements MutatingPlugin {

    public static final String NAME = "DefaultTolerationSeconds";
    static final int SECONDS = 300;
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        if (a.operation() == Operation.CREATE && a.isCore("pods")) {
            addDefaults(Json.with(a.object(), "spec"));
        }
        return CompletableFuture.completedFuture(null);
    }

    static void addDefaults(ObjectNode spec) {
        boolean notReady = tolerates(spec, NOT_READY);
        boolean unreachable = tolerates(spec, UNREACHABLE);
        if (notReady && unreachable) {
            return;
        }
        ArrayNode list = spec.withArray("tolerations");
        for (String key : new String[] {NOT_READY, UNREACHABLE}) {
            if (key.equals(NOT_READY) ? notReady : unreachable) {
                continue;
            }
            ObjectNode t = list.addObject();
            t.put("key", key);
            t.put("operator", "Exists");
            t.put("effect", "NoExecute");
            t.put("tolerationSeconds", SECONDS);
        }
    }

    /** Whether a toleration covers the NoExecute taint {@code key} (any effect or NoExecute; key or Exists-all). */
    static boolean tolerates(JsonNode spec, String key) {
        for (JsonNode t : spec.path("tolerations")) {
            String effect = t.path("effect").asText("");
            String k = t.path("key").asText("");
            boolean keyMatches = k.equals(key) || k.isEmpty() && "Exists".equals(t.path("operator").asText(""));
            if ((effect.isEmpty() || effect.equals("NoExecute")) && keyMatches) {
                return true;
            }
        }
        return false;
    }
}
