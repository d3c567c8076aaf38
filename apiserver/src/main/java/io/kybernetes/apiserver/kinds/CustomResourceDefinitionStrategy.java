package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions (stored, not served yet): the name is plural.group, names and
 * one storage version required, singular/listKind and conversion defaults.
 */
public class CustomResourceDefinitionStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        ObjectNode names = Json.with(spec, "names");
        if (!names.has("singular") && names.has("kind")) {
            names.put("singular", names.get("kind").asText().toLowerCase());
        }
        if (!names.has("listKind") && names.has("kind")) {
            names.put("listKind", names.get("kind").asText() + "List");
        }
        if (!spec.has("conversion")) {
            spec.putObject("conversion").put("strategy", "None");
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        String group = spec.path("group").asText("");
        String plural = spec.path("names").path("plural").asText("");
        if (group.isEmpty()) {
            causes.add(Cause.required("spec.group"));
        } else if (!group.contains(".")) {
            causes.add(Cause.invalid("spec.group", group, "should be a domain with at least one dot"));
        }
        if (plural.isEmpty()) {
            causes.add(Cause.required("spec.names.plural"));
        }
        if (spec.path("names").path("kind").asText("").isEmpty()) {
            causes.add(Cause.required("spec.names.kind"));
        }
        String name = Json.str(obj, "metadata.name");
        if (!name.equals(plural + "." + group)) {
            causes.add(Cause.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        String scope = spec.path("scope").asText("");
        if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
            causes.add(Cause.notSupported("spec.scope", scope, "supported values: \"Cluster\", \"Namespaced\""));
        }
        JsonNode versions = spec.path("versions");
        if (versions.isEmpty()) {
            causes.add(Cause.required("spec.versions"));
        } else {
            int storage = 0;
            for (JsonNode v : versions) {
                if (v.path("storage").asBoolean(false)) {
                    storage++;
                }
            }
            if (storage != 1) {
                causes.add(Cause.invalid("spec.versions", Json.text(versions), "must have exactly one version marked as storage version"));
            }
        }
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }
}
