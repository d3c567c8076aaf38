package io.kybernetes.apiserver.admission.webhook;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One admissionregistration.k8s.io/v1 RuleWithOperations: operations, apiGroups, apiVersions, resources and scope.
 * {@code *} matches anything in each list; a resource is {@code plural} (the main resource only), {@code
 * plural/sub}, {@code plural/*}, {@code *}{@code /sub} or {@code *}{@code /*}.
 */
public record Rule(List<String> operations, List<String> apiGroups, List<String> apiVersions, List<String> resources,
        String scope) {

    public static Rule of(JsonNode rule) {
        String scope = rule.path("scope").asText("*");
        return new Rule(strings(rule.get("operations")), strings(rule.get("apiGroups")),
                strings(rule.get("apiVersions")), strings(rule.get("resources")), scope.isEmpty() ? "*" : scope);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return List.copyOf(out);
    }

    /**
     * Whether the rule covers a request: {@code namespaced} tells whether the object lives in a namespace (scope
     * Namespaced) or not (Cluster).
     */
    public boolean matches(String operation, String group, String version, String resource, String subresource,
            boolean namespaced) {
        return (operations.contains("*") || operations.contains(operation))
                && (apiGroups.contains("*") || apiGroups.contains(group))
                && (apiVersions.contains("*") || apiVersions.contains(version))
                && resource(resource, subresource)
                && switch (scope) {
                    case "Cluster" -> !namespaced;
                    case "Namespaced" -> namespaced;
                    default -> true;
                };
    }

    private boolean resource(String resource, String subresource) {
        String wanted = subresource.isEmpty() ? resource : resource + "/" + subresource;
        for (String r : resources) {
            if (r.equals(wanted) || (r.equals("*") && subresource.isEmpty()) || r.equals("*/*")) {
                return true;
            }
            int slash = r.indexOf('/');
            if (slash > 0 && !subresource.isEmpty()) {
                String res = r.substring(0, slash);
                String sub = r.substring(slash + 1);
                if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
                    return true;
                }
            }
        }
        return false;
    }
}
