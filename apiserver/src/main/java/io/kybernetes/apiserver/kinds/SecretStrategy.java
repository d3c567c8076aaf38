package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** Secrets: type Opaque by default, stringData folded into data, base64 checked, TYPE/DATA columns. */
@ApplicationScoped
public class SecretStrategy implements Strategy {

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        if (!obj.hasNonNull("type")) {
            obj.put("type", "Opaque");
        }
        if (obj.get("stringData") instanceof ObjectNode sd) {
            ObjectNode data = Json.with(obj, "data");
            sd.fields().forEachRemaining(e -> data.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            obj.remove("stringData");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        obj.path("data").fields().forEachRemaining(e -> {
            try {
                Base64.getDecoder().decode(e.getValue().asText());
            } catch (IllegalArgumentException ex) {
                causes.add(Cause.invalid("data[" + e.getKey() + "]", "<secret contents redacted>", "illegal base64 data"));
            }
        });
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = new ArrayList<>(validate(obj));
        if (!Json.str(obj, "type").equals(Json.str(old, "type"))) {
            causes.add(Cause.invalid("type", Json.str(obj, "type"), "field is immutable"));
        }
        causes.addAll(Immutability.check(obj, old, "data"));
        return causes;
    }

    @Override
    public Set<String> selectableFields() {
        return Set.of("type");
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Type", "string", "The type of the secret"),
                Column.of("Data", "string", "Number of data entries"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "type"), obj.path("data").size(),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
