package io.kybernetes.apiserver.kinds;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** Core v1 Events: the selectable involvedObject fields and kubectl's LAST SEEN/TYPE/REASON/OBJECT/MESSAGE. */
@ApplicationScoped
public class EventStrategy implements Strategy {

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                "reportingComponent", "source", "type");
    }

    @Override
    public String fieldValue(ObjectNode obj, String field) {
        if (field.equals("source")) {
            return Json.str(obj, "source.component").isEmpty() ? Json.str(obj, "reportingComponent")
                    : Json.str(obj, "source.component");
        }
        return Json.str(obj, field);
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.of("Last Seen", "string", "Time of the last occurrence"),
                Column.of("Type", "string", "Type of this event"),
                Column.of("Reason", "string", "Reason why this event was generated"),
                Column.of("Object", "string", "The object that this event is about"),
                Column.wide("Subobject", "string", "The part of the object this event is about"),
                Column.wide("Source", "string", "The component reporting this event"),
                Column.of("Message", "string", "A human-readable description of the status of this operation"),
                Column.wide("First Seen", "string", "Time of the first occurrence"),
                Column.wide("Count", "string", "The number of times this event has occurred"),
                new Column("Name", "string", "name", "Name must be unique within a namespace.", 1));
    }

    @Override
    public List<Object> cells(ObjectNode e) {
        String created = Json.str(e, "metadata.creationTimestamp");
        String eventTime = Json.str(e, "eventTime");
        String last = first(Json.str(e, "lastTimestamp"), Json.str(e, "series.lastObservedTime"), eventTime, created);
        String firstSeen = first(Json.str(e, "firstTimestamp"), eventTime, created);
        String object = Json.str(e, "involvedObject.kind").toLowerCase() + "/" + Json.str(e, "involvedObject.name");
        String source = Json.str(e, "source.component");
        if (source.isEmpty()) {
            source = Json.str(e, "reportingComponent");
            if (!Json.str(e, "reportingInstance").isEmpty()) {
                source += ", " + Json.str(e, "reportingInstance");
            }
        } else if (!Json.str(e, "source.host").isEmpty()) {
            source += ", " + Json.str(e, "source.host");
        }
        long count = e.has("series") ? e.path("series").path("count").asLong(1) : e.path("count").asLong(1);
        return List.of(Age.since(last), Json.str(e, "type"), Json.str(e, "reason"), object,
                Json.str(e, "involvedObject.fieldPath"), source, Json.str(e, "message"), Age.since(firstSeen),
                String.valueOf(count), Json.str(e, "metadata.name"));
    }

    private static String first(String... values) {
        for (String v : values) {
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }
}
