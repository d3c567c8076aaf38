package io.kybernetes.apiserver.table;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;

/** meta.k8s.io/v1 Table output (kubectl get) built from a kind's columns and cells. */
public final class Tables {

    public static final String MEDIA_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private Tables() {
    }

    /** Whether an Accept header asks for a Table. */
    public static boolean wanted(String accept) {
        if (accept == null) {
            return false;
        }
        for (String part : accept.split(",")) {
            String p = part.replace(" ", "");
            if (p.contains("as=Table") && p.contains("g=meta.k8s.io")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Table of {@code objects}. {@code includeObject} is None, Metadata (default: PartialObjectMetadata) or
     * Object; {@code resourceVersion} may be null.
     */
    public static ObjectNode table(Strategy strategy, List<ObjectNode> objects, String resourceVersion,
            String includeObject, boolean withColumns) {
        ObjectNode t = Json.object();
        t.put("kind", "Table");
        t.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = t.putObject("metadata");
        if (resourceVersion != null) {
            meta.put("resourceVersion", resourceVersion);
        }
        ArrayNode cols = t.putArray("columnDefinitions");
        if (withColumns) {
            for (Column c : strategy.columns()) {
                cols.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                        .put("description", c.description()).put("priority", c.priority());
            }
        }
        ArrayNode rows = t.putArray("rows");
        for (ObjectNode obj : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Object cell : strategy.cells(obj)) {
                if (cell instanceof Number n) {
                    cells.add(n.longValue());
                } else if (cell instanceof Boolean b) {
                    cells.add(b);
                } else {
                    cells.add(String.valueOf(cell));
                }
            }
            switch (includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject) {
                case "None" -> { }
                case "Object" -> row.set("object", obj);
                default -> row.set("object", partial(obj));
            }
        }
        return t;
    }

    /** meta.k8s.io/v1 PartialObjectMetadata of an object. */
    public static ObjectNode partial(JsonNode obj) {
        ObjectNode p = Json.object();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", "meta.k8s.io/v1");
        p.set("metadata", obj.path("metadata").deepCopy());
        return p;
    }
}
