package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.Cause;

/**
 * What the pod-template workloads (deployments, replicasets, statefulsets, daemonsets, jobs, replication
 * controllers) share: template defaulting, selector validation, the wide columns.
 */
final class Workloads {

    private Workloads() {
    }

    static void templateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("replicas")) {
            spec.put("replicas", 1);
        }
        podTemplateDefaults(Json.with(spec, "template"));
    }

    /** The pod defaults of a PodTemplateSpec (every workload's spec.template, PodTemplate's template). */
    static void podTemplateDefaults(ObjectNode template) {
        PodSpecs.defaults(Json.with(template, "spec"));
        if (!template.has("metadata")) {
            template.putObject("metadata");
        }
    }

    static final Set<String> ALWAYS = Set.of("Always");

    static List<Cause> validate(ObjectNode obj) {
        return validate(obj, ALWAYS);
    }

    /** Selector, replicas and template validation; {@code restartPolicies} are those the template may use. */
    static List<Cause> validate(ObjectNode obj, Set<String> restartPolicies) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode selector = spec.get("selector");
        if (selector == null || selector.isNull() || (selector.path("matchLabels").isEmpty()
                && selector.path("matchExpressions").isEmpty())) {
            causes.add(Cause.required("spec.selector"));
        } else {
            JsonNode labels = spec.path("template").path("metadata").path("labels");
            try {
                if (!LabelSelector.fromObject(selector).matches(labels)) {
                    causes.add(Cause.invalid("spec.template.metadata.labels", Json.text(labels),
                            "`selector` does not match template `labels`"));
                }
            } catch (IllegalArgumentException e) {
                causes.add(Cause.invalid("spec.selector", Json.text(selector), e.getMessage()));
            }
        }
        if (spec.path("replicas").asInt(0) < 0) {
            causes.add(Cause.invalid("spec.replicas", spec.path("replicas").asInt(), "must be greater than or equal to 0"));
        }
        causes.addAll(PodSpecs.validate(spec.path("template").get("spec"), "spec.template.spec"));
        causes.addAll(restartPolicy(spec.path("template"), "spec.template", restartPolicies));
        return causes;
    }

    static List<Cause> restartPolicy(JsonNode template, String path, Set<String> allowed) {
        String rp = template.path("spec").path("restartPolicy").asText("Always");
        if (allowed.contains(rp)) {
            return List.of();
        }
        String supported = allowed.stream().sorted(java.util.Comparator.reverseOrder()).map(v -> "\"" + v + "\"")
                .collect(java.util.stream.Collectors.joining(", "));
        return List.of(Cause.notSupported(path + ".spec.restartPolicy", rp, "supported values: " + supported));
    }

    static List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("spec").path("selector").equals(old.path("spec").path("selector"))) {
            causes.add(Cause.invalid("spec.selector", Json.text(obj.path("spec").path("selector")),
                    "field is immutable"));
        }
        return causes;
    }

    static String containers(ObjectNode obj) {
        List<String> names = new ArrayList<>();
        obj.path("spec").path("template").path("spec").path("containers").forEach(c -> names.add(c.path("name").asText()));
        return String.join(",", names);
    }

    static String images(ObjectNode obj) {
        List<String> images = new ArrayList<>();
        obj.path("spec").path("template").path("spec").path("containers").forEach(c -> images.add(c.path("image").asText()));
        return String.join(",", images);
    }

    /** The READY-style "a/b" cell and the like: a missing number is 0. */
    static long num(JsonNode obj, String dotted) {
        return Json.at(obj, dotted).asLong(0);
    }

    /** A boolean as upstream's printers format an optional one: "True", "False" or "<unset>". */
    static String bool(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "<unset>";
        }
        return value.asBoolean() ? "True" : "False";
    }

    /** A label map as kubectl prints it: "a=b,c=d" sorted, "<none>" when empty. */
    static String labels(JsonNode map) {
        if (map == null || map.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        map.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        parts.sort(null);
        return String.join(",", parts);
    }

    static String selector(ObjectNode obj) {
        String s = LabelSelector.format(obj.path("spec").get("selector"));
        return s.isEmpty() ? "<none>" : s;
    }
}
