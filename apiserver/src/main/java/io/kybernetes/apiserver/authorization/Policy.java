package io.kybernetes.apiserver.authorization;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;

/**
 * One consistent view of the RBAC objects: ClusterRoles by name, Roles by namespace/name, the bindings. A
 * ClusterRole with an aggregationRule gets the rules of every ClusterRole its selectors match, computed here at
 * read time so a new aggregated role grants at once (the stored object is brought in line by the bootstrap
 * reconciler, see RbacPolicySource).
 */
public record Policy(Map<String, ObjectNode> clusterRoles, Map<String, ObjectNode> roles,
        List<ObjectNode> clusterRoleBindings, List<ObjectNode> roleBindings) {

    public static final Policy EMPTY = new Policy(Map.of(), Map.of(), List.of(), List.of());

    /** The rules of a ClusterRole, aggregated ones included. */
    public List<JsonNode> clusterRoleRules(String name) {
        return clusterRoleRules(name, new LinkedHashSet<>());
    }

    private List<JsonNode> clusterRoleRules(String name, Set<String> seen) {
        ObjectNode role = clusterRoles.get(name);
        List<JsonNode> out = new ArrayList<>();
        if (role == null || !seen.add(name)) {
            return out;
        }
        JsonNode selectors = role.path("aggregationRule").path("clusterRoleSelectors");
        if (selectors.isArray() && !selectors.isEmpty()) {
            for (Map.Entry<String, ObjectNode> e : clusterRoles.entrySet()) {
                if (e.getKey().equals(name)) {
                    continue;
                }
                JsonNode labels = e.getValue().path("metadata").path("labels");
                for (JsonNode sel : selectors) {
                    if (Selectors.matches(sel, labels)) {
                        out.addAll(clusterRoleRules(e.getKey(), seen));
                        break;
                    }
                }
            }
        }
        role.path("rules").forEach(out::add);
        return out;
    }

    private List<JsonNode> roleRules(JsonNode roleRef, String namespace) {
        String kind = roleRef.path("kind").asText();
        String name = roleRef.path("name").asText();
        if (kind.equals("ClusterRole")) {
            return clusterRoleRules(name);
        }
        ObjectNode role = roles.get(namespace + "/" + name);
        List<JsonNode> out = new ArrayList<>();
        if (role != null) {
            role.path("rules").forEach(out::add);
        }
        return out;
    }

    /** Whether a binding's subjects include the user (User, Group, ServiceAccount subjects). */
    static boolean bindsTo(JsonNode binding, UserInfo user) {
        String bindingNs = Json.str(binding, "metadata.namespace");
        for (JsonNode s : binding.path("subjects")) {
            String kind = s.path("kind").asText();
            String name = s.path("name").asText();
            switch (kind) {
                case "User" -> {
                    if (name.equals(user.name())) {
                        return true;
                    }
                }
                case "Group" -> {
                    if (user.groups().contains(name)) {
                        return true;
                    }
                }
                case "ServiceAccount" -> {
                    String ns = s.path("namespace").asText("");
                    if (ns.isEmpty()) {
                        ns = bindingNs;
                    }
                    if (user.name().equals("system:serviceaccount:" + ns + ":" + name)) {
                        return true;
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /** Every rule that applies to the user in a namespace (cluster-wide ones included); "" for cluster scope. */
    public List<JsonNode> rulesFor(UserInfo user, String namespace) {
        List<JsonNode> out = new ArrayList<>();
        for (ObjectNode b : clusterRoleBindings) {
            if (bindsTo(b, user)) {
                out.addAll(roleRules(b.path("roleRef"), ""));
            }
        }
        if (namespace != null && !namespace.isEmpty()) {
            for (ObjectNode b : roleBindings) {
                if (namespace.equals(Json.str(b, "metadata.namespace")) && bindsTo(b, user)) {
                    out.addAll(roleRules(b.path("roleRef"), namespace));
                }
            }
        }
        return out;
    }

    /** The RBAC decision: allow when a rule of a binding of the user allows; no opinion otherwise. */
    public Decision authorize(Attributes a) {
        for (ObjectNode b : clusterRoleBindings) {
            if (bindsTo(b, a.user())) {
                for (JsonNode rule : roleRules(b.path("roleRef"), "")) {
                    if (Rules.allows(rule, a)) {
                        return Decision.allow("RBAC: allowed by ClusterRoleBinding \"" + Json.str(b, "metadata.name")
                                + "\" of ClusterRole \"" + b.path("roleRef").path("name").asText() + "\" to "
                                + subjectOf(a.user()));
                    }
                }
            }
        }
        if (a.resourceRequest() && !a.namespace().isEmpty()) {
            for (ObjectNode b : roleBindings) {
                if (a.namespace().equals(Json.str(b, "metadata.namespace")) && bindsTo(b, a.user())) {
                    for (JsonNode rule : roleRules(b.path("roleRef"), a.namespace())) {
                        if (Rules.allows(rule, a)) {
                            return Decision.allow("RBAC: allowed by RoleBinding \"" + Json.str(b, "metadata.name")
                                    + "/" + a.namespace() + "\" of " + b.path("roleRef").path("kind").asText() + " \""
                                    + b.path("roleRef").path("name").asText() + "\" to " + subjectOf(a.user()));
                        }
                    }
                }
            }
        }
        return Decision.noOpinion("");
    }

    private static String subjectOf(UserInfo u) {
        if (u.name().startsWith("system:serviceaccount:")) {
            String[] p = u.name().split(":");
            return "ServiceAccount \"" + p[p.length - 1] + "/" + p[p.length - 2] + "\"";
        }
        return "User \"" + u.name() + "\"";
    }
}
