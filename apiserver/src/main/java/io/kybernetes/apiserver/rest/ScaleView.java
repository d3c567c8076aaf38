package io.kybernetes.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.kinds.ReplicationControllerStrategy;
import io.kybernetes.apiserver.registry.ScalePaths;

/**
 * The autoscaling/v1 Scale view of an object with a scale subresource (deployments, replicasets, statefulsets,
 * replication controllers, custom resources at their declared paths), and writing a Scale back into the object.
 */
final class ScaleView {

    private ScaleView() {
    }

    static ObjectNode of(ObjectNode obj, ScalePaths paths) {
        ObjectNode s = Json.object();
        s.put("kind", "Scale");
        s.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (obj.path("metadata").has(f)) {
                meta.set(f, obj.path("metadata").get(f));
            }
        }
        s.putObject("spec").put("replicas", at(obj, paths.specReplicas()).asInt(0));
        ObjectNode status = s.putObject("status");
        status.put("replicas", at(obj, paths.statusReplicas()).asInt(0));
        String selector = paths.labelSelector() == null ? ReplicationControllerStrategy.selector(obj)
                : at(obj, paths.labelSelector()).asText("");
        if (paths.labelSelector() == null || !selector.isEmpty()) {
            status.put("selector", selector);
        }
        return s;
    }

    /** Applies a Scale's spec.replicas (and its resourceVersion precondition) to the object. */
    static ObjectNode apply(ObjectNode obj, ObjectNode scale, ScalePaths paths) {
        String[] parts = paths.specReplicas().substring(1).split("\\.");
        ObjectNode parent = obj;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = Json.with(parent, parts[i]);
        }
        parent.put(parts[parts.length - 1], scale.path("spec").path("replicas").asInt(0));
        String rv = Json.str(scale, "metadata.resourceVersion");
        if (!rv.isEmpty()) {
            Json.with(obj, "metadata").put("resourceVersion", rv);
        }
        return obj;
    }

    private static JsonNode at(JsonNode obj, String dotted) {
        JsonNode cur = obj;
        for (String part : dotted.substring(dotted.startsWith(".") ? 1 : 0).split("\\.")) {
            cur = cur.path(part);
        }
        return cur;
    }
}
