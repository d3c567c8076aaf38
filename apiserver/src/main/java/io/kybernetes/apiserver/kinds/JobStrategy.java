package io.kybernetes.apiserver.kinds;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * batch/v1 Jobs: upstream defaults (completions/parallelism 1, backoffLimit 6, NonIndexed, suspend false,
 * podReplacementPolicy TerminatingOrFailed, manualSelector false), the generated controller-uid selector and
 * template labels, restartPolicy Never/OnFailure, the STATUS/COMPLETIONS/DURATION columns.
 */
public class JobStrategy implements Strategy {

    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    static final Set<String> RESTART_POLICIES = Set.of("OnFailure", "Never");

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.path("manualSelector").asBoolean(false)) {
            String uid = Json.str(obj, "metadata.uid");
            String name = Json.str(obj, "metadata.name");
            ObjectNode labels = Json.with(spec, "template", "metadata", "labels");
            labels.put(CONTROLLER_UID, uid);
            labels.put(JOB_NAME, name);
            labels.put("controller-uid", uid);
            labels.put("job-name", name);
            if (!spec.has("selector")) {
                spec.putObject("selector").putObject("matchLabels").put(CONTROLLER_UID, uid);
            }
        }
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("completions") && !spec.has("parallelism")) {
            spec.put("completions", 1);
            spec.put("parallelism", 1);
        }
        if (!spec.has("parallelism")) {
            spec.put("parallelism", 1);
        }
        if (!spec.has("completionMode")) {
            spec.put("completionMode", "NonIndexed");
        }
        if (!spec.has("backoffLimit")) {
            boolean perIndex = spec.path("completionMode").asText().equals("Indexed") && spec.has("backoffLimitPerIndex");
            spec.put("backoffLimit", perIndex ? Integer.MAX_VALUE : 6);
        }
        if (!spec.has("suspend")) {
            spec.put("suspend", false);
        }
        if (!spec.has("manualSelector")) {
            spec.put("manualSelector", false);
        }
        if (!spec.has("podReplacementPolicy")) {
            spec.put("podReplacementPolicy", spec.has("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
        }
        Workloads.podTemplateDefaults(Json.with(spec, "template"));
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode selector = spec.get("selector");
        if (selector == null || selector.isNull()) {
            causes.add(Cause.required("spec.selector"));
        } else {
            try {
                if (!LabelSelector.fromObject(selector).matches(spec.path("template").path("metadata").path("labels"))) {
                    causes.add(Cause.invalid("spec.template.metadata.labels",
                            Json.text(spec.path("template").path("metadata").path("labels")),
                            "`selector` does not match template `labels`"));
                }
            } catch (IllegalArgumentException e) {
                causes.add(Cause.invalid("spec.selector", Json.text(selector), e.getMessage()));
            }
        }
        for (String f : new String[] {"parallelism", "completions", "backoffLimit", "activeDeadlineSeconds"}) {
            if (spec.has(f) && !spec.get(f).isNull() && spec.get(f).asLong() < 0) {
                causes.add(Cause.invalid("spec." + f, spec.get(f).asLong(), "must be greater than or equal to 0"));
            }
        }
        String mode = spec.path("completionMode").asText("NonIndexed");
        if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
            causes.add(Cause.notSupported("spec.completionMode", mode, "supported values: \"NonIndexed\", \"Indexed\""));
        }
        causes.addAll(PodSpecs.validate(spec.path("template").get("spec"), "spec.template.spec"));
        causes.addAll(Workloads.restartPolicy(spec.path("template"), "spec.template", RESTART_POLICIES));
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        for (String f : new String[] {"selector", "completionMode"}) {
            if (!obj.path("spec").path(f).equals(old.path("spec").path(f))) {
                causes.add(Cause.invalid("spec." + f, Json.text(obj.path("spec").path(f)), "field is immutable"));
            }
        }
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    /** Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet... or Running, as kubectl 1.32 shows it. */
    static String status(JsonNode job) {
        String status = "Running";
        for (JsonNode c : job.path("status").path("conditions")) {
            if (!c.path("status").asText().equals("True")) {
                continue;
            }
            String type = c.path("type").asText();
            switch (type) {
                case "Complete", "Failed" -> {
                    return type;
                }
                case "Suspended", "FailureTarget", "SuccessCriteriaMet" -> status = type;
                default -> { }
            }
        }
        if (status.equals("Running") && job.path("metadata").hasNonNull("deletionTimestamp")) {
            return "Terminating";
        }
        return status;
    }

    static String completions(JsonNode job) {
        JsonNode spec = job.path("spec");
        long succeeded = job.path("status").path("succeeded").asLong(0);
        if (spec.hasNonNull("completions")) {
            return succeeded + "/" + spec.get("completions").asLong();
        }
        long parallelism = spec.path("parallelism").asLong(1);
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }

    static String duration(JsonNode job) {
        String start = job.path("status").path("startTime").asText("");
        if (start.isEmpty()) {
            return "";
        }
        String end = job.path("status").path("completionTime").asText("");
        return Age.human(Duration.between(Instant.parse(start), end.isEmpty() ? Instant.now() : Instant.parse(end)));
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Status", "string", "Status of the job."),
                Column.of("Completions", "string", "The completion status of the job"),
                Column.of("Duration", "string", "Time required to complete the job."),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."),
                Column.wide("Selector", "string", "A label query over pods that should match the pod count."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), status(obj), completions(obj), duration(obj),
                Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Workloads.containers(obj), Workloads.images(obj), Workloads.selector(obj));
    }
}
