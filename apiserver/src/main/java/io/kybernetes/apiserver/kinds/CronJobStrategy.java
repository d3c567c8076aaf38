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

/**
 * batch/v1 CronJobs: concurrencyPolicy Allow, suspend false, history limits 3 and 1, template pod defaults, schedule
 * validation, kubectl's SCHEDULE/TIMEZONE/SUSPEND/ACTIVE/LAST SCHEDULE columns.
 */
public class CronJobStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.has("concurrencyPolicy")) {
            spec.put("concurrencyPolicy", "Allow");
        }
        if (!spec.has("suspend")) {
            spec.put("suspend", false);
        }
        if (!spec.has("successfulJobsHistoryLimit")) {
            spec.put("successfulJobsHistoryLimit", 3);
        }
        if (!spec.has("failedJobsHistoryLimit")) {
            spec.put("failedJobsHistoryLimit", 1);
        }
        ObjectNode jobTemplate = Json.with(spec, "jobTemplate");
        if (!jobTemplate.has("metadata")) {
            jobTemplate.putObject("metadata");
        }
        Workloads.podTemplateDefaults(Json.with(jobTemplate, "spec", "template"));
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        String schedule = spec.path("schedule").asText("");
        if (schedule.isEmpty()) {
            causes.add(Cause.required("spec.schedule"));
        } else {
            String err = CronSchedule.error(schedule);
            if (err != null) {
                causes.add(Cause.invalid("spec.schedule", schedule, err));
            }
        }
        String policy = spec.path("concurrencyPolicy").asText("Allow");
        if (!List.of("Allow", "Forbid", "Replace").contains(policy)) {
            causes.add(Cause.notSupported("spec.concurrencyPolicy", policy,
                    "supported values: \"Allow\", \"Forbid\", \"Replace\""));
        }
        JsonNode template = spec.path("jobTemplate").path("spec").path("template");
        causes.addAll(PodSpecs.validate(template.get("spec"), "spec.jobTemplate.spec.template.spec"));
        causes.addAll(Workloads.restartPolicy(template, "spec.jobTemplate.spec.template", JobStrategy.RESTART_POLICIES));
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
                Column.of("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
                Column.of("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
                Column.of("Active", "integer", "A list of pointers to currently running jobs."),
                Column.of("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
                Column.age(),
                Column.wide("Containers", "string", "Names of each container in the template."),
                Column.wide("Images", "string", "Images referenced by each container in the template."),
                Column.wide("Selector", "string", "A label query over pods that should match the pod count."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        String last = Json.str(obj, "status.lastScheduleTime");
        JsonNode podSpec = obj.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : podSpec.path("containers")) {
            names.add(c.path("name").asText());
            images.add(c.path("image").asText());
        }
        String tz = Json.str(obj, "spec.timeZone");
        String sel = io.kybernetes.apiserver.selection.LabelSelector.format(
                obj.path("spec").path("jobTemplate").path("spec").get("selector"));
        return List.of(Json.str(obj, "metadata.name"), Json.str(obj, "spec.schedule"), tz.isEmpty() ? "<none>" : tz,
                Workloads.bool(obj.path("spec").path("suspend")), obj.path("status").path("active").size(),
                last.isEmpty() ? "<none>" : Age.since(last), Age.since(Json.str(obj, "metadata.creationTimestamp")),
                String.join(",", names), String.join(",", images), sel.isEmpty() ? "<none>" : sel);
    }
}
