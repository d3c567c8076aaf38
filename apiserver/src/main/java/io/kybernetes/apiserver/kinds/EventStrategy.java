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
                Column.of("Message", "string", "A human-readable description of the status of this operation"),
                new Column("Name", "string", "name", "Name must be unique within a namespace.", 1));
    }

    @Override
    public List<Object> cells(ObjectNode e) {
        String last = Json.str(e, "lastTimestamp");
        if (last.isEmpty()) {
            last = Json.str(e, "eventTime");
        }
        if (last.isEmpty()) {
            last = Json.str(e, "metadata.creationTimestamp");
        }
        String object = Json.str(e, "involvedObject.kind").toLowerCase() + "/" + Json.str(e, "involvedObject.name");
        return List.of(Age.since(last), Json.str(e, "type"), Json.str(e, "reason"), object, Json.str(e, "message"),
                Json.str(e, "metadata.name"));
    }
}
