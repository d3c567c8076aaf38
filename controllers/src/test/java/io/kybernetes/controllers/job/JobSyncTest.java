package io.kybernetes.controllers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.kybernetes.controllers.informers.Owners;

class JobSyncTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    static JobBuilder job(Integer completions, int parallelism) {
        return new JobBuilder().withNewMetadata().withName("pi").withNamespace("ns").withUid("job-uid").endMetadata()
                .withNewSpec().withCompletions(completions).withParallelism(parallelism).withBackoffLimit(2)
                .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec();
    }

    /** A pod of the job: phase Running/Succeeded/Failed/Terminating, with the tracking finalizer unless "-". */
    static Pod pod(String uid, String phase, Integer index) {
        boolean tracked = !phase.endsWith("-");
        String ph = phase.replace("-", "");
        PodBuilder b = new PodBuilder().withNewMetadata().withName("pi-" + uid).withNamespace("ns").withUid(uid)
                .withCreationTimestamp("2026-11-24T09:00:00Z").endMetadata().withNewSpec().endSpec()
                .withNewStatus().withPhase(ph.equals("Terminating") ? "Running" : ph).endStatus();
        if (tracked) {
            b.editMetadata().addToFinalizers(JobSync.TRACKING_FINALIZER).endMetadata();
        }
        if (ph.equals("Terminating")) {
            b.editMetadata().withDeletionTimestamp("2026-11-24T09:59:00Z").endMetadata();
        }
        if (index != null) {
            b.editMetadata().addToAnnotations(JobSync.COMPLETION_INDEX, index.toString()).endMetadata();
        }
        return b.build();
    }

    static List<Pod> pods(String spec) {
        List<Pod> out = new ArrayList<>();
        if (spec.isBlank()) {
            return out;
        }
        int i = 0;
        for (String s : spec.split(" ")) {
            out.add(pod("p" + i++, s, null));
        }
        return out;
    }

    @ParameterizedTest(name = "completions={0} parallelism={1} pods=[{2}] -> create {3}, delete {4}")
    @CsvSource(delimiter = '|', value = {
        "3|2||2|0",
        "3|2|Running|1|0",
        "3|2|Running Running|0|0",
        "3|5||3|0",
        "3|2|Succeeded- Succeeded- Running|0|0",
        "3|2|Succeeded- Running Running Running|0|1",
        "|2||2|0",
        "|2|Succeeded- Running|0|0",
        "1|1|Succeeded-|0|0",
    })
    void nonIndexedPodCounts(Integer completions, int parallelism, String podSpec, int create, int delete) {
        List<Pod> pods = pods(podSpec == null ? "" : podSpec);
        int succeeded = (int) pods.stream().filter(p -> p.getStatus().getPhase().equals("Succeeded")).count();
        Job j = job(completions, parallelism).withNewStatus().withSucceeded(succeeded).endStatus().build();
        JobSync.Plan plan = JobSync.sync(j, pods, NOW);
        assertEquals(create, plan.create().size(), "creations");
        assertEquals(delete, plan.delete().size(), "deletions");
        assertTrue(plan.create().stream().allMatch(i -> i == -1));
    }

    @Test
    void finishedPodsAreRecordedAsUncountedThenReleasedThenCounted() {
        Job j = job(2, 2).build();
        List<Pod> pods = List.of(pod("a", "Succeeded", null), pod("b", "Running", null));
        JobSync.Plan first = JobSync.sync(j, pods, NOW);
        assertEquals(List.of("a"), first.status().getUncountedTerminatedPods().getSucceeded());
        assertEquals(0, first.status().getSucceeded());
        assertEquals(List.of("a"), first.release().stream().map(p -> p.getMetadata().getUid()).toList());
        assertEquals(NOW.toString(), first.status().getStartTime());
        assertTrue(first.statusChanged());

        // Finalizer removed: the pod moves from uncounted to the counter.
        Job j2 = new JobBuilder(j).withStatus(first.status()).build();
        JobSync.Plan second = JobSync.sync(j2, List.of(pod("a", "Succeeded-", null), pod("b", "Running", null)),
                NOW);
        assertEquals(1, second.status().getSucceeded());
        assertTrue(second.status().getUncountedTerminatedPods().getSucceeded().isEmpty());
        assertTrue(second.release().isEmpty());
        assertEquals(1, second.status().getActive());
        assertTrue(second.create().isEmpty());
        // The same input again changes nothing (idempotent).
        Job j3 = new JobBuilder(j2).withStatus(second.status()).build();
        assertFalse(JobSync.sync(j3, List.of(pod("a", "Succeeded-", null), pod("b", "Running", null)), NOW)
                .statusChanged());
    }

    static Stream<Arguments> endings() {
        return Stream.of(
                Arguments.of("completions reached", job(2, 2), "Succeeded- Succeeded-", 2, 0,
                        "SuccessCriteriaMet", "CompletionsReached", "Complete"),
                Arguments.of("backoff limit", job(5, 1), "Failed- Failed- Failed-", 0, 3,
                        "FailureTarget", "BackoffLimitExceeded", "Failed"),
                Arguments.of("deadline", job(5, 1).editSpec().withActiveDeadlineSeconds(60L).endSpec()
                        .withNewStatus().withStartTime("2026-11-24T09:58:00Z").endStatus(), "", 0, 0,
                        "FailureTarget", "DeadlineExceeded", "Failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void interimConditionFirstTerminalOnceNothingRuns(String name, JobBuilder jb, String podSpec, int succeeded,
            int failed, String interim, String reason, String terminal) {
        Job j = jb.build();
        JobStatus st = j.getStatus() == null ? new JobStatus() : j.getStatus();
        st.setSucceeded(succeeded);
        st.setFailed(failed);
        j.setStatus(st);
        // With a pod still running: the interim condition only, and the pod is deleted.
        List<Pod> running = new ArrayList<>(pods(podSpec));
        running.add(pod("r", "Running", null));
        JobSync.Plan plan = JobSync.sync(j, running, NOW);
        assertEquals(List.of(interim), types(plan.status()));
        assertEquals(reason, plan.status().getConditions().get(0).getReason());
        assertEquals(List.of("r"), plan.delete().stream().map(p -> p.getMetadata().getUid()).toList());
        assertTrue(plan.create().isEmpty());
        // Nothing left running: the terminal condition with the same reason.
        Job j2 = new JobBuilder(j).withStatus(plan.status()).build();
        j2.getStatus().setUncountedTerminatedPods(new UncountedTerminatedPods());
        JobSync.Plan end = JobSync.sync(j2, pods(podSpec), NOW);
        assertEquals(List.of(interim, terminal), types(end.status()));
        assertEquals(reason, end.status().getConditions().get(1).getReason());
        assertEquals(terminal.equals("Complete") ? NOW.toString() : null, end.status().getCompletionTime());
        assertTrue(JobSync.finished(new JobBuilder(j2).withStatus(end.status()).build()));
    }

    @Test
    void terminalConditionWaitsForTerminatingPods() {
        Job j = job(1, 1).withNewStatus().withSucceeded(1).endStatus().build();
        JobSync.Plan plan = JobSync.sync(j, List.of(pod("t", "Terminating", null)), NOW);
        // The terminating pod is counted as failed (uncounted first) and holds back Complete.
        assertEquals(List.of("SuccessCriteriaMet"), types(plan.status()));
        assertEquals(List.of("t"), plan.status().getUncountedTerminatedPods().getFailed());
        assertEquals(1, plan.status().getTerminating());
    }

    @Test
    void indexedJobCreatesMissingIndexesAndCompletesByIndex() {
        Job j = job(4, 2).editSpec().withCompletionMode("Indexed").endSpec().build();
        JobSync.Plan plan = JobSync.sync(j, List.of(pod("a", "Running", 1)), NOW);
        assertEquals(List.of(0), plan.create());

        j.setStatus(new JobStatus());
        j.getStatus().setCompletedIndexes("0-1,3");
        plan = JobSync.sync(j, List.of(pod("a", "Succeeded", 2), pod("b", "Running", 2)), NOW);
        assertEquals("0-3", plan.status().getCompletedIndexes());
        assertEquals(List.of("SuccessCriteriaMet"), types(plan.status()));
        assertEquals(List.of("b"), plan.delete().stream().map(p -> p.getMetadata().getUid()).toList());
    }

    @Test
    void indexedJobDeletesDuplicateIndexes() {
        Job j = job(3, 3).editSpec().withCompletionMode("Indexed").endSpec().build();
        JobSync.Plan plan = JobSync.sync(j, List.of(pod("a", "Running", 0), pod("b", "Running", 0),
                pod("c", "Running", 2)), NOW);
        assertEquals(1, plan.delete().size());
        assertEquals(List.of(1), plan.create());
    }

    @Test
    void failuresDelayNewPodsWithExponentialBackoff() {
        Job j = job(1, 1).withNewStatus().withFailed(1).endStatus().build();
        Pod failedPod = new PodBuilder(pod("f", "Failed-", null)).editStatus().addNewContainerStatus()
                .withName("c").withNewState().withNewTerminated().withFinishedAt("2026-11-24T09:59:55Z")
                .withExitCode(1).endTerminated().endState().endContainerStatus().endStatus().build();
        JobSync.Plan plan = JobSync.sync(j, List.of(failedPod), NOW);
        assertTrue(plan.create().isEmpty());
        assertEquals(Duration.ofSeconds(5), plan.requeueAfter());
        plan = JobSync.sync(j, List.of(failedPod), NOW.plusSeconds(5));
        assertEquals(List.of(-1), plan.create());
    }

    @ParameterizedTest(name = "{0} failures -> {1}s")
    @CsvSource({"1,10", "2,20", "3,40", "6,320", "7,360", "30,360"})
    void backoff(int failures, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), JobSync.backoff(failures));
    }

    @Test
    void suspendDeletesActivePodsAndResumeRestartsTheClock() {
        Job j = job(2, 2).editSpec().withSuspend(true).endSpec().withNewStatus()
                .withStartTime("2026-11-24T08:00:00Z").endStatus().build();
        JobSync.Plan plan = JobSync.sync(j, List.of(pod("a", "Running", null)), NOW);
        assertEquals(1, plan.delete().size());
        JobCondition c = plan.status().getConditions().get(0);
        assertEquals("Suspended", c.getType());
        assertEquals("True", c.getStatus());
        assertEquals("JobSuspended", c.getReason());

        Job resumed = new JobBuilder(j).editSpec().withSuspend(false).endSpec().withStatus(plan.status()).build();
        plan = JobSync.sync(resumed, List.of(), NOW.plusSeconds(60));
        assertEquals("False", plan.status().getConditions().get(0).getStatus());
        assertEquals("JobResumed", plan.status().getConditions().get(0).getReason());
        assertEquals(NOW.plusSeconds(60).toString(), plan.status().getStartTime());
        assertEquals(2, plan.create().size());
    }

    @Test
    void finishedJobOnlyReleasesFinalizers() {
        Job j = job(1, 1).withNewStatus().withSucceeded(1)
                .addToConditions(JobSync.condition("Complete", "CompletionsReached", "m", "2026-11-24T09:00:00Z"))
                .endStatus().build();
        JobSync.Plan plan = JobSync.sync(j, List.of(pod("a", "Succeeded", null), pod("b", "Running", null)), NOW);
        assertEquals(2, plan.release().size());
        assertFalse(plan.statusChanged());
        assertTrue(plan.create().isEmpty() && plan.delete().isEmpty());
    }

    @Test
    void ttlAfterFinished() {
        Job j = job(1, 1).editSpec().withTtlSecondsAfterFinished(100).endSpec().withNewStatus()
                .withCompletionTime("2026-11-24T09:59:00Z").endStatus().build();
        assertEquals(Duration.ofSeconds(40), JobController.ttlRemaining(j, NOW));
        assertNull(JobController.ttlRemaining(job(1, 1).build(), NOW));
    }

    @Test
    void podTemplateLabelsOwnerFinalizerAndIndex() {
        Job j = job(3, 1).editSpec().withCompletionMode("Indexed").editTemplate().withNewMetadata()
                .addToLabels("app", "pi").endMetadata().endTemplate().endSpec().build();
        Pod p = JobController.newPod(j, 2);
        assertEquals("pi-2-", p.getMetadata().getGenerateName());
        assertEquals("pi", p.getMetadata().getLabels().get("app"));
        assertEquals("job-uid", p.getMetadata().getLabels().get("batch.kubernetes.io/controller-uid"));
        assertEquals("pi", p.getMetadata().getLabels().get("batch.kubernetes.io/job-name"));
        assertEquals("job-uid", p.getMetadata().getLabels().get("controller-uid"));
        assertEquals("pi", p.getMetadata().getLabels().get("job-name"));
        assertEquals("2", p.getMetadata().getAnnotations().get(JobSync.COMPLETION_INDEX));
        assertEquals("2", p.getMetadata().getLabels().get(JobSync.COMPLETION_INDEX));
        assertEquals(List.of(JobSync.TRACKING_FINALIZER), p.getMetadata().getFinalizers());
        assertTrue(Owners.isControlledBy(p, j));
        assertTrue(p.getMetadata().getOwnerReferences().get(0).getBlockOwnerDeletion());
        assertEquals("pi-2", p.getSpec().getHostname());
        var env = p.getSpec().getContainers().get(0).getEnv().get(0);
        assertEquals("JOB_COMPLETION_INDEX", env.getName());
        assertEquals("metadata.annotations['batch.kubernetes.io/job-completion-index']",
                env.getValueFrom().getFieldRef().getFieldPath());
        assertNotNull(p.getMetadata().getName());
    }

    static List<String> types(JobStatus s) {
        return s.getConditions() == null ? List.of()
                : s.getConditions().stream().map(JobCondition::getType).collect(Collectors.toList());
    }
}
