package io.kybernetes.apiserver.kinds;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.Conversion;

/**
 * events.k8s.io/v1 Events served from the core v1 Events they are stored as (one storage, as upstream): regarding
 * is involvedObject, note is message, reportingController is reportingComponent, and the deprecated* fields are
 * core's source, firstTimestamp, lastTimestamp and count.
 */
public final class EventsV1Conversion implements Conversion {

    /** events.k8s.io/v1 field -> core v1 field. */
    static final Map<String, String> FIELDS = Map.of("regarding", "involvedObject", "note", "message",
            "reportingController", "reportingComponent", "deprecatedSource", "source",
            "deprecatedFirstTimestamp", "firstTimestamp", "deprecatedLastTimestamp", "lastTimestamp",
            "deprecatedCount", "count");

    @Override
    public ObjectNode toStorage(ObjectNode served) {
        served.put("apiVersion", "v1");
        served.put("kind", "Event");
        FIELDS.forEach((events, core) -> move(served, events, core));
        return served;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        stored.put("apiVersion", "events.k8s.io/v1");
        stored.put("kind", "Event");
        FIELDS.forEach((events, core) -> move(stored, core, events));
        return stored;
    }

    private static void move(ObjectNode obj, String from, String to) {
        JsonNode v = obj.remove(from);
        if (v != null && !v.isNull()) {
            obj.set(to, v);
        }
    }
}
