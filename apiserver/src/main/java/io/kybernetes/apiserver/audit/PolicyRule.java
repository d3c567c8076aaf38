package io.kybernetes.apiserver.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.authorization.Attributes;

/**
 * One rule of an audit.k8s.io/v1 Policy. Every list that is set must match: users (name), userGroups (any group),
 * verbs; then either namespaces and resources (resource requests only; a group's resources are {@code res},
 * {@code *}, {@code res/sub}, {@code res/*}, {@code *}{@code /sub}, narrowed by resourceNames) or nonResourceURLs
 * (non-resource requests only; exact, {@code *} or {@code prefix*}). A rule with none of these matches everything.
 */
public record PolicyRule(Level level, List<String> users, List<String> userGroups, List<String> verbs,
        List<GroupResources> resources, List<String> namespaces, List<String> nonResourceURLs,
        Set<String> omitStages) {

    /** One entry of a rule's resources: an API group ("" = core), its resources and resource names. */
    public record GroupResources(String group, List<String> resources, List<String> resourceNames) {
    }

    static PolicyRule of(JsonNode rule, int index) {
        String levelText = rule.path("level").asText("");
        Level level;
        try {
            level = Level.valueOf(levelText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rules[" + index + "].level: Unsupported value: \"" + levelText
                    + "\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"");
        }
        List<GroupResources> resources = new ArrayList<>();
        for (JsonNode gr : rule.path("resources")) {
            resources.add(new GroupResources(gr.path("group").asText(""), strings(gr.get("resources")),
                    strings(gr.get("resourceNames"))));
        }
        PolicyRule r = new PolicyRule(level, strings(rule.get("users")), strings(rule.get("userGroups")),
                strings(rule.get("verbs")), List.copyOf(resources), strings(rule.get("namespaces")),
                strings(rule.get("nonResourceURLs")), Set.copyOf(strings(rule.get("omitStages"))));
        if (!r.nonResourceURLs.isEmpty() && (!r.resources.isEmpty() || !r.namespaces.isEmpty())) {
            throw new IllegalArgumentException("rules[" + index + "].nonResourceURLs: Invalid value: rules cannot "
                    + "apply to both regular resources and non-resource URLs");
        }
        return r;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return List.copyOf(out);
    }

    public boolean matches(Attributes a) {
        if (!users.isEmpty() && !users.contains(a.user().name())) {
            return false;
        }
        if (!userGroups.isEmpty() && a.user().groups().stream().noneMatch(userGroups::contains)) {
            return false;
        }
        if (!verbs.isEmpty() && !verbs.contains(a.verb())) {
            return false;
        }
        if (!namespaces.isEmpty() || !resources.isEmpty()) {
            return matchesResource(a);
        }
        if (!nonResourceURLs.isEmpty()) {
            return !a.resourceRequest() && nonResourceURLs.stream().anyMatch(spec -> pathMatches(a.path(), spec));
        }
        return true;
    }

    static boolean pathMatches(String path, String spec) {
        return spec.equals("*") || spec.equals(path)
                || spec.endsWith("*") && path.startsWith(spec.substring(0, spec.length() - 1));
    }

    private boolean matchesResource(Attributes a) {
        if (!a.resourceRequest()) {
            return false;
        }
        if (!namespaces.isEmpty() && !namespaces.contains(a.namespace())) {
            return false;
        }
        if (resources.isEmpty()) {
            return true;
        }
        String sub = a.subresource();
        String combined = sub.isEmpty() ? a.resource() : a.resource() + "/" + sub;
        for (GroupResources gr : resources) {
            if (!gr.group().equals(a.apiGroup())) {
                continue;
            }
            if (gr.resources().isEmpty()) {
                return true;
            }
            if (!gr.resourceNames().isEmpty() && !gr.resourceNames().contains(a.name())) {
                continue;
            }
            for (String res : gr.resources()) {
                if (res.equals(combined) || res.equals("*")
                        || !sub.isEmpty() && res.startsWith("*/") && res.substring(2).equals(sub)
                        || res.endsWith("/*") && res.substring(0, res.length() - 2).equals(a.resource())) {
                    return true;
                }
            }
        }
        return false;
    }
}
