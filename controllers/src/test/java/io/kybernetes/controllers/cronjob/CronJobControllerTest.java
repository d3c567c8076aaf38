package io.kybernetes.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.Result;

/** The reconciler over synced caches (mock API server), a settable clock and recording writes; no workers. */
class CronJobControllerTest {

    final MockApi api = new MockApi();
    final Informers informers = new Informers(api.client);
    final List<String> actions = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T10:00:30Z"));
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    CronJob lastStatus;
    final CronJobController controller = new CronJobController(informers, new CronJobControl() {
        @Override
        public Job createJob(Job job) {
            actions.add("create " + job.getMetadata().getName());
            return job;
        }

        @Override
        public void deleteJob(Job job) {
            actions.add("delete " + job.getMetadata().getName());
        }

        @Override
        public void updateStatus(CronJob cronJob) {
            lastStatus = cronJob;
        }
    }, (EventRecorder) (o, type, reason, message) -> events.add(reason + ": " + message), clock, 1);

    @AfterEach
    void close() {
        informers.stop();
        api.close();
    }

    static CronJobBuilder cronJob(String schedule) {
        return new CronJobBuilder().withNewMetadata().withName("hello").withNamespace("ns")
                .endMetadata().withNewStatus().withLastScheduleTime("2026-11-24T09:59:00Z").endStatus()
                .withNewSpec().withSchedule(schedule)
                .withNewJobTemplate().withNewMetadata().addToLabels("app", "hello").endMetadata().withNewSpec()
                .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
                .withRestartPolicy("OnFailure").endSpec().endTemplate().endSpec().endJobTemplate().endSpec();
    }

    /** The mock server sets creationTimestamp itself: tests fix the schedule's start by lastScheduleTime. */
    CronJob given(CronJob cj, Job... jobs) throws Exception {
        CronJob stored = api.client.batch().v1().cronjobs().resource(cj).create();
        for (Job j : jobs) {
            j.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(stored, "batch/v1", "CronJob")));
            api.client.batch().v1().jobs().resource(j).create();
        }
        informers.start().get(10, TimeUnit.SECONDS);
        // The CI once saw a reconcile miss one of four Jobs right after start(): wait until the cache holds them all.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (informers.of(Job.class).getStore().list().size() < jobs.length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(jobs.length, informers.of(Job.class).getStore().list().size(), "jobs in the cache");
        return stored;
    }

    static Job job(String name, String finished, String start) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withNewSpec().endSpec().withNewStatus().withStartTime(start).endStatus();
        if (finished != null) {
            b.editStatus().addNewCondition().withType(finished).withStatus("True").endCondition()
                    .withCompletionTime(finished.equals("Complete") ? start : null).endStatus();
        }
        return b.build();
    }

    @Test
    void createsTheJobOfTheMostRecentMissedTimeNamedByMinutes() throws Exception {
        given(cronJob("* * * * *").build());
        Result r = controller.reconcile("ns/hello");
        long minutes = Instant.parse("2026-11-24T10:00:00Z").getEpochSecond() / 60;
        assertEquals(List.of("create hello-" + minutes), actions);
        assertEquals("2026-11-24T10:00:00Z", lastStatus.getStatus().getLastScheduleTime());
        assertEquals("hello-" + minutes, lastStatus.getStatus().getActive().get(0).getName());
        assertEquals(Duration.ofMillis(30_100), r.after(), "requeued for 10:01");
        assertTrue(events.contains("SuccessfulCreate: Created job hello-" + minutes));
    }

    @Test
    void jobTemplateBecomesTheJob() {
        CronJob cj = cronJob("0 * * * *").editMetadata().withUid("cj-uid").endMetadata().editSpec()
                .withTimeZone("Europe/Berlin").endSpec().build();
        Instant at = Instant.parse("2026-11-24T10:00:00Z");
        Job j = CronJobController.jobFor(cj, at, Schedule.parse("0 * * * *", "Europe/Berlin"));
        assertEquals("hello-" + at.getEpochSecond() / 60, j.getMetadata().getName());
        assertEquals("hello", j.getMetadata().getLabels().get("app"));
        assertEquals("2026-11-24T11:00:00+01:00",
                j.getMetadata().getAnnotations().get(CronJobController.SCHEDULED_TIMESTAMP));
        assertTrue(Owners.isControlledBy(j, cj));
        assertEquals("OnFailure", j.getSpec().getTemplate().getSpec().getRestartPolicy());
    }

    @ParameterizedTest(name = "{0} with an active job -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Allow|create",
        "Forbid|",
        "Replace|delete old,create",
    })
    void concurrencyPolicy(String policy, String expected) throws Exception {
        given(cronJob("* * * * *").editSpec().withConcurrencyPolicy(policy).endSpec().build(),
                job("old", null, "2026-11-24T09:58:00Z"));
        controller.reconcile("ns/hello");
        List<String> want = new ArrayList<>();
        if (expected != null) {
            for (String e : expected.split(",")) {
                want.add(e.equals("create") ? "create hello-" + Instant.parse("2026-11-24T10:00:00Z")
                        .getEpochSecond() / 60 : e);
            }
        }
        assertEquals(want, actions);
        if (policy.equals("Forbid")) {
            assertTrue(events.stream().anyMatch(e -> e.startsWith("JobAlreadyActive")), events.toString());
        }
    }

    @Test
    void suspendedCronJobCreatesNothing() throws Exception {
        given(cronJob("* * * * *").editSpec().withSuspend(true).endSpec().build());
        controller.reconcile("ns/hello");
        assertEquals(List.of(), actions);
    }

    @Test
    void startingDeadlinePassedCreatesNothingUntilTheNextTime() throws Exception {
        // Every hour at :00; it is 10:00:30 with a 10 s deadline: too late for 10:00, wait for 11:00.
        given(cronJob("0 * * * *").editStatus().withLastScheduleTime("2026-11-24T09:00:00Z").endStatus()
                .editSpec().withStartingDeadlineSeconds(10L).endSpec().build());
        Result r = controller.reconcile("ns/hello");
        assertEquals(List.of(), actions);
        assertEquals(Duration.ofSeconds(3570).plusMillis(100), r.after());
        // Within the deadline it starts.
        now.set(Instant.parse("2026-11-24T11:00:05Z"));
        controller.reconcile("ns/hello");
        assertEquals(1, actions.size());
    }

    @Test
    void missedScheduleIsReportedAsUpstream() {
        CronJob cj = cronJob("0 * * * *").editSpec().withStartingDeadlineSeconds(10L).endSpec().build();
        assertTrue(Scheduling.tooLate(cj, Instant.parse("2026-11-24T10:00:00Z"), now.get()));
        assertTrue(!Scheduling.tooLate(cj, Instant.parse("2026-11-24T10:00:25Z"), now.get()));
    }

    @Test
    void tooManyMissedStartTimesGiveAWarningAndTheLatestRuns() throws Exception {
        given(cronJob("* * * * *").editStatus().withLastScheduleTime("2026-11-24T07:00:00Z").endStatus().build());
        controller.reconcile("ns/hello");
        assertEquals(1, actions.size());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("TooManyMissedTimes: too many missed start times: "
                + "180. Set or decrease .spec.startingDeadlineSeconds or check clock skew")), events.toString());
    }

    @Test
    void finishedJobsLeaveTheActiveListAndHistoryIsPruned() throws Exception {
        given(cronJob("0 0 1 1 *").editSpec().withSuccessfulJobsHistoryLimit(1).withFailedJobsHistoryLimit(1)
                .endSpec().build(),
                job("ok1", "Complete", "2026-11-24T09:00:00Z"), job("ok2", "Complete", "2026-11-24T09:30:00Z"),
                job("bad1", "Failed", "2026-11-24T09:10:00Z"), job("bad2", "Failed", "2026-11-24T09:20:00Z"));
        controller.reconcile("ns/hello");
        assertEquals(List.of("delete ok1", "delete bad1"), actions);
        assertNotNull(lastStatus);
        assertEquals("2026-11-24T09:30:00Z", lastStatus.getStatus().getLastSuccessfulTime());
    }

    @Test
    void theClockDrivesTheNextRun() throws Exception {
        given(cronJob("*/5 * * * *").editStatus().withLastScheduleTime("2026-11-24T10:00:00Z").endStatus().build());
        Result r = controller.reconcile("ns/hello");
        assertEquals(List.of(), actions);
        assertEquals(Duration.ofSeconds(270).plusMillis(100), r.after());
        now.set(Instant.parse("2026-11-24T10:05:01Z"));
        controller.reconcile("ns/hello");
        assertEquals(List.of("create hello-" + Instant.parse("2026-11-24T10:05:00Z").getEpochSecond() / 60),
                actions);
    }
}
