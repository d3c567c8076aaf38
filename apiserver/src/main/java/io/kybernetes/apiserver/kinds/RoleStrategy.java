package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;

/** rbac.authorization.k8s.io/v1 Roles and ClusterRoles: each rule needs verbs (stored only, not enforced yet). */
public class RoleStrategy implements Strategy {

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode rules = obj.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            if (rule.path("verbs").isEmpty()) {
                causes.add(Cause.required("rules[" + i + "].verbs"));
            }
            if (rule.path("nonResourceURLs").isEmpty() && rule.path("resources").isEmpty()
                    && obj.path("kind").asText().equals("Role")) {
                causes.add(Cause.required("rules[" + i + "].resources"));
            }
        }
        return causes;
    }
}
