package io.kybernetes.controllers.cronjob;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;
import io.kybernetes.controllers.reconcile.Times;

/**
 * Creates a Job for each scheduled time of a CronJob (concurrency policy, starting deadline, suspend), tracks the
 * active ones, prunes finished history and requeues itself for the next scheduled time. The clock is injected.
 */
public final class CronJobController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(CronJobController.class);
    public static final String NAME = "cronjob";
    public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    private final SharedIndexInformer<CronJob> cronJobs;
    private final SharedIndexInformer<Job> jobs;
    private final CronJobControl control;
    private final EventRecorder events;
    private final Clock clock;
    private final QueueController queue;

    public CronJobController(Informers informers, CronJobControl control, EventRecorder events, Clock clock,
            int workers) {
        this.cronJobs = informers.of(CronJob.class);
        this.jobs = informers.of(Job.class);
        this.control = control;
        this.events = events;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(cronJobs, jobs);
        cronJobs.addEventHandler(queue.ownKeyHandler());
        jobs.addEventHandler(queue.handler((Job j) -> ownerKey(j).map(List::of).orElse(List.of())));
    }

    public QueueController queue() {
        return queue;
    }

    private static Optional<String> ownerKey(Job j) {
        return Owners.controllerOf(j).filter(r -> "CronJob".equals(r.getKind()))
                .map(r -> j.getMetadata().getNamespace() + "/" + r.getName());
    }

    static Optional<String> finishedType(Job j) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return j.getStatus().getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()))
                .map(JobCondition::getType).findFirst();
    }

    @Override
    public Result reconcile(String key) {
        CronJob cached = cronJobs.getIndexer().getByKey(key);
        if (cached == null) {
            return Result.done();
        }
        CronJob cj = new CronJobBuilder(cached).build();
        Instant now = clock.instant();
        CronJobStatus status = new CronJobStatusBuilder(cj.getStatus() == null ? new CronJobStatus()
                : cj.getStatus()).build();
        List<Job> children = jobs.getIndexer().byIndex(Informers.BY_OWNER_UID, cj.getMetadata().getUid()).stream()
                .filter(j -> Owners.isControlledBy(j, cj)).toList();

        // 1. The active list follows the children: finished or vanished Jobs leave it, running ones join it.
        List<ObjectReference> active = new ArrayList<>(status.getActive() == null ? List.of() : status.getActive());
        Map<String, Job> byUid = new HashMap<>();
        children.forEach(j -> byUid.put(j.getMetadata().getUid(), j));
        Set<String> activeUids = active.stream().map(ObjectReference::getUid).collect(Collectors.toSet());
        List<Job> successful = new ArrayList<>();
        List<Job> failed = new ArrayList<>();
        for (Job j : children) {
            Optional<String> fin = finishedType(j);
            if (fin.isEmpty()) {
                if (!activeUids.contains(j.getMetadata().getUid())) {
                    events.warning(cj, "UnexpectedJob", "Saw a job that the controller did not create or forgot: "
                            + j.getMetadata().getName());
                    active.add(ref(j));
                }
                continue;
            }
            (fin.get().equals("Complete") ? successful : failed).add(j);
            if (activeUids.contains(j.getMetadata().getUid())) {
                active.removeIf(r -> r.getUid().equals(j.getMetadata().getUid()));
                events.normal(cj, "SawCompletedJob", "Saw completed job: " + j.getMetadata().getName()
                        + ", condition: " + fin.get());
            }
            if (fin.get().equals("Complete")) {
                Instant done = Times.parse(j.getStatus().getCompletionTime());
                Instant last = Times.parse(status.getLastSuccessfulTime());
                if (done != null && (last == null || done.isAfter(last))) {
                    status.setLastSuccessfulTime(Times.format(done));
                }
            }
        }
        for (ObjectReference r : List.copyOf(active)) {
            if (!byUid.containsKey(r.getUid()) && jobs.getIndexer().getByKey(cj.getMetadata().getNamespace() + "/"
                    + r.getName()) == null) {
                events.normal(cj, "MissingJob", "Active job went missing: " + r.getName());
                active.remove(r);
            }
        }
        status.setActive(active.isEmpty() ? null : active);

        Duration requeue = null;
        if (cj.getMetadata().getDeletionTimestamp() == null) {
            requeue = schedule(cj, status, active, children, now);
        }

        // 3. History limits.
        int keepOk = cj.getSpec().getSuccessfulJobsHistoryLimit() == null ? 3
                : cj.getSpec().getSuccessfulJobsHistoryLimit();
        int keepFailed = cj.getSpec().getFailedJobsHistoryLimit() == null ? 1 : cj.getSpec().getFailedJobsHistoryLimit();
        for (Job j : concat(Scheduling.beyondHistoryLimit(successful, keepOk),
                Scheduling.beyondHistoryLimit(failed, keepFailed))) {
            if (j.getMetadata().getDeletionTimestamp() == null) {
                control.deleteJob(j);
                events.normal(cj, "SuccessfulDelete", "Deleted job " + j.getMetadata().getName());
            }
        }

        if (!Semantic.equal(cj.getStatus() == null ? new CronJobStatus() : cj.getStatus(), status)) {
            cj.setStatus(status);
            control.updateStatus(cj);
        }
        return requeue == null ? Result.done() : Result.requeueAfter(requeue);
    }

    /** 2. Starts the Job of the most recent unmet time, if allowed; returns when to look again. */
    private Duration schedule(CronJob cj, CronJobStatus status, List<ObjectReference> active, List<Job> children,
            Instant now) {
        Schedule schedule;
        try {
            schedule = Schedule.parse(cj.getSpec().getSchedule(), cj.getSpec().getTimeZone());
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage().startsWith("unknown time zone") ? "UnknownTimeZone" : "InvalidSchedule";
            events.warning(cj, reason, "invalid schedule: " + cj.getSpec().getSchedule() + " : " + e.getMessage());
            return null;
        }
        if (Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
            return null;
        }
        Scheduling.Unmet unmet = Scheduling.mostRecentUnmet(cj, schedule, now);
        Duration next = Scheduling.untilNext(schedule, now);
        if (unmet.time() == null) {
            return next;
        }
        if (unmet.missed() > Scheduling.TOO_MANY_MISSED) {
            events.warning(cj, "TooManyMissedTimes", "too many missed start times: " + unmet.missed()
                    + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        Instant scheduled = unmet.time();
        String name = Scheduling.jobName(cj, scheduled);
        if (Scheduling.tooLate(cj, scheduled, now)) {
            events.warning(cj, "MissSchedule", "Missed scheduled time to start a job: "
                    + DateTimeFormatter.RFC_1123_DATE_TIME.format(scheduled.atZone(schedule.zone())));
            return next;
        }
        if (active.stream().anyMatch(r -> name.equals(r.getName()))
                || scheduled.equals(Times.parse(status.getLastScheduleTime()))) {
            return next;
        }
        String policy = cj.getSpec().getConcurrencyPolicy() == null ? "Allow" : cj.getSpec().getConcurrencyPolicy();
        if (policy.equals("Forbid") && !active.isEmpty()) {
            events.normal(cj, "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid");
            return next;
        }
        if (policy.equals("Replace")) {
            for (ObjectReference r : List.copyOf(active)) {
                Job j = children.stream().filter(c -> c.getMetadata().getUid().equals(r.getUid())).findFirst()
                        .orElse(null);
                if (j != null) {
                    control.deleteJob(j);
                    events.normal(cj, "SuccessfulDelete", "Deleted job " + j.getMetadata().getName());
                }
                active.remove(r);
            }
        }
        Job job = jobFor(cj, scheduled, schedule);
        Job created = control.createJob(job);
        if (created != null) {
            LOG.infof("cronjob %s/%s: created job %s for %s", cj.getMetadata().getNamespace(),
                    cj.getMetadata().getName(), name, scheduled);
            events.normal(cj, "SuccessfulCreate", "Created job " + name);
        }
        Job existing = created != null ? created
                : jobs.getIndexer().getByKey(cj.getMetadata().getNamespace() + "/" + name);
        ObjectReference r = ref(existing != null ? existing : job);
        if (active.stream().noneMatch(a -> name.equals(a.getName()))) {
            active.add(r);
        }
        status.setActive(active);
        status.setLastScheduleTime(Times.format(scheduled));
        return next;
    }

    static Job jobFor(CronJob cj, Instant scheduled, Schedule schedule) {
        var t = cj.getSpec().getJobTemplate();
        Map<String, String> labels = t.getMetadata() == null || t.getMetadata().getLabels() == null ? null
                : new HashMap<>(t.getMetadata().getLabels());
        Map<String, String> annotations = new HashMap<>(t.getMetadata() == null
                || t.getMetadata().getAnnotations() == null ? Map.of() : t.getMetadata().getAnnotations());
        annotations.put(SCHEDULED_TIMESTAMP,
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(scheduled.atZone(schedule.zone())));
        return new JobBuilder().withNewMetadata().withName(Scheduling.jobName(cj, scheduled))
                .withNamespace(cj.getMetadata().getNamespace()).withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(Owners.controllerRef(cj, "batch/v1", "CronJob")).endMetadata()
                .withSpec(t.getSpec()).build();
    }

    private static ObjectReference ref(Job j) {
        return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withNamespace(j.getMetadata().getNamespace()).withName(j.getMetadata().getName())
                .withUid(j.getMetadata().getUid()).withResourceVersion(j.getMetadata().getResourceVersion()).build();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

}
