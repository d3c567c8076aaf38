package io.kybernetes.apiserver.crd;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.ScalePaths;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * The strategy of one served version of a custom resource: its structural schema (pruning, defaults,
 * validation), a status subresource when the version declares one (create drops status, main-resource writes keep
 * it), and the additionalPrinterColumns (NAME AGE when it has none).
 */
final class CustomResourceStrategy implements Strategy {

    private record PrinterColumn(Column column, String jsonPath) {
    }

    private final StructuralSchema schema;
    private final boolean statusSubresource;
    private final List<PrinterColumn> printerColumns = new ArrayList<>();
    private final ScalePaths scale;

    CustomResourceStrategy(JsonNode version) {
        this.schema = new StructuralSchema(version.path("schema").get("openAPIV3Schema"));
        this.statusSubresource = version.path("subresources").has("status");
        JsonNode s = version.path("subresources").path("scale");
        this.scale = new ScalePaths(s.path("specReplicasPath").asText(".spec.replicas"),
                s.path("statusReplicasPath").asText(".status.replicas"),
                s.path("labelSelectorPath").asText(".status.selectorUnset"));
        for (JsonNode c : version.path("additionalPrinterColumns")) {
            String name = c.path("name").asText();
            printerColumns.add(new PrinterColumn(new Column(Character.toUpperCase(name.charAt(0)) + name.substring(1),
                    c.path("type").asText("string"), c.path("format").asText(""), c.path("description").asText(""),
                    c.path("priority").asInt(0)), c.path("jsonPath").asText("")));
        }
        if (printerColumns.isEmpty()) {
            printerColumns.add(new PrinterColumn(Column.age(), ".metadata.creationTimestamp"));
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        if (statusSubresource) {
            obj.remove("status");
        }
        Json.with(obj, "metadata").put("generation", 1);
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        schema.pruneAndDefault(obj);
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return schema.validate(obj);
    }

    @Override
    public boolean statusIsSubresource() {
        return statusSubresource;
    }

    @Override
    public ScalePaths scale() {
        return scale;
    }

    @Override
    public List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        columns.add(Column.named());
        printerColumns.forEach(c -> columns.add(c.column()));
        return columns;
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        List<Object> cells = new ArrayList<>();
        cells.add(Json.str(obj, "metadata.name"));
        for (PrinterColumn c : printerColumns) {
            JsonNode v = JsonPathCell.eval(obj, c.jsonPath());
            if (v.isMissingNode() || v.isNull()) {
                cells.add("<none>");
            } else if (c.column().type().equals("date")) {
                cells.add(Age.since(v.asText()));
            } else if (v.isIntegralNumber()) {
                cells.add(v.asLong());
            } else if (v.isBoolean()) {
                cells.add(v.asBoolean());
            } else if (v.isValueNode()) {
                cells.add(v.asText());
            } else {
                cells.add(v.toString());
            }
        }
        return cells;
    }
}
