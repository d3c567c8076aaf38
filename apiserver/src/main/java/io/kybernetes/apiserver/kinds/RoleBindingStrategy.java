package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/** RoleBindings and ClusterRoleBindings: a required, immutable roleRef and the ROLE/USERS/GROUPS columns. */
public class RoleBindingStrategy implements Strategy {

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        for (JsonNode s : obj.path("subjects")) {
            if (s instanceof ObjectNode subject && !subject.has("apiGroup")) {
                String kind = subject.path("kind").asText();
                if (kind.equals("User") || kind.equals("Group")) {
                    subject.put("apiGroup", "rbac.authorization.k8s.io");
                }
            }
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode ref = obj.path("roleRef");
        if (ref.path("name").asText("").isEmpty()) {
            causes.add(Cause.required("roleRef.name"));
        }
        String kind = ref.path("kind").asText("");
        boolean cluster = obj.path("kind").asText().equals("ClusterRoleBinding");
        if (!kind.equals("ClusterRole") && (cluster || !kind.equals("Role"))) {
            causes.add(Cause.notSupported("roleRef.kind", kind,
                    cluster ? "supported values: \"ClusterRole\"" : "supported values: \"Role\", \"ClusterRole\""));
        }
        if (!ref.path("apiGroup").asText("").equals("rbac.authorization.k8s.io")) {
            causes.add(Cause.notSupported("roleRef.apiGroup", ref.path("apiGroup").asText(""),
                    "supported values: \"rbac.authorization.k8s.io\""));
        }
        JsonNode subjects = obj.path("subjects");
        for (int i = 0; i < subjects.size(); i++) {
            JsonNode s = subjects.get(i);
            if (s.path("name").asText("").isEmpty()) {
                causes.add(Cause.required("subjects[" + i + "].name"));
            }
            String k = s.path("kind").asText("");
            if (!List.of("ServiceAccount", "User", "Group").contains(k)) {
                causes.add(Cause.notSupported("subjects[" + i + "].kind", k,
                        "supported values: \"ServiceAccount\", \"User\", \"Group\""));
            }
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("roleRef").equals(old.path("roleRef"))) {
            causes.add(Cause.invalid("roleRef", Json.text(obj.path("roleRef")), "cannot change roleRef"));
        }
        return causes;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
                Column.age(),
                Column.wide("Users", "string", "Users in the roleBinding"),
                Column.wide("Groups", "string", "Groups in the roleBinding"),
                Column.wide("ServiceAccounts", "string", "ServiceAccounts in the roleBinding"));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        List<String> users = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<String> sas = new ArrayList<>();
        for (JsonNode s : obj.path("subjects")) {
            switch (s.path("kind").asText()) {
                case "User" -> users.add(s.path("name").asText());
                case "Group" -> groups.add(s.path("name").asText());
                case "ServiceAccount" -> sas.add(s.path("namespace").asText("") + ":" + s.path("name").asText());
                default -> { }
            }
        }
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "roleRef.kind") + "/" + Json.str(obj, "roleRef.name"),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                String.join(", ", users), String.join(", ", groups), String.join(", ", sas));
    }
}
