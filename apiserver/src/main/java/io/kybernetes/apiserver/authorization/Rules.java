package io.kybernetes.apiserver.authorization;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * RBAC PolicyRule matching with upstream's semantics: verbs, apiGroups, resources (with {@code *}{@code /sub} and
 * {@code res/*} forms for subresources) and resourceNames for resource requests; nonResourceURLs (exact, or a
 * prefix ending in {@code *}) for the others; {@code *} matches anything.
 */
public final class Rules {

    private Rules() {
    }

    public static boolean allows(JsonNode rule, Attributes a) {
        if (!has(rule.path("verbs"), a.verb())) {
            return false;
        }
        if (!a.resourceRequest()) {
            for (JsonNode u : rule.path("nonResourceURLs")) {
                String url = u.asText();
                if (url.equals("*") || url.equals(a.path())
                        || (url.endsWith("*") && a.path().startsWith(url.substring(0, url.length() - 1)))) {
                    return true;
                }
            }
            return false;
        }
        if (!rule.path("apiGroups").isArray() || !has(rule.path("apiGroups"), a.apiGroup())) {
            return false;
        }
        if (!resourceMatches(rule.path("resources"), a)) {
            return false;
        }
        JsonNode names = rule.path("resourceNames");
        if (names.isArray() && !names.isEmpty()) {
            for (JsonNode n : names) {
                if (n.asText().equals(a.name()) && !a.name().isEmpty()) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean has(JsonNode values, String wanted) {
        for (JsonNode v : values) {
            if (v.asText().equals("*") || v.asText().equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceMatches(JsonNode resources, Attributes a) {
        String combined = a.resourceWithSubresource();
        for (JsonNode r : resources) {
            String res = r.asText();
            if (res.equals("*") || res.equals(combined)) {
                return true;
            }
            if (a.subresource().isEmpty()) {
                continue;
            }
            // "*/scale" grants every resource's scale; "pods/*" every subresource of pods
            if (res.equals("*/" + a.subresource()) || res.equals(a.resource() + "/*")) {
                return true;
            }
        }
        return false;
    }
}
