package io.kybernetes.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.kinds.ReplicationControllerStrategy;

/** The autoscaling/v1 Scale view of a deployment, replicaset, statefulset or replication controller, and writing a Scale back into the object. */
final class ScaleView {

    private ScaleView() {
    }

    static ObjectNode of(ObjectNode obj) {
        ObjectNode s = Json.object();
        s.put("kind", "Scale");
        s.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (obj.path("metadata").has(f)) {
                meta.set(f, obj.path("metadata").get(f));
            }
        }
        s.putObject("spec").put("replicas", obj.path("spec").path("replicas").asInt(0));
        ObjectNode status = s.putObject("status");
        status.put("replicas", obj.path("status").path("replicas").asInt(0));
        status.put("selector", ReplicationControllerStrategy.selector(obj));
        return s;
    }

    /** Applies a Scale's spec.replicas (and its resourceVersion precondition) to the object. */
    static ObjectNode apply(ObjectNode obj, ObjectNode scale) {
        Json.with(obj, "spec").put("replicas", scale.path("spec").path("replicas").asInt(0));
        String rv = Json.str(scale, "metadata.resourceVersion");
        if (!rv.isEmpty()) {
            Json.with(obj, "metadata").put("resourceVersion", rv);
        }
        return obj;
    }
}
