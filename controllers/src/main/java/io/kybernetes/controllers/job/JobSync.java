package io.kybernetes.controllers.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.reconcile.Semantic;
import io.kybernetes.controllers.reconcile.Times;
import io.kybernetes.controllers.replicaset.ActivePodsRanking;

/**
 * The pure decision of one Job sync: from the Job and its pods (informer cache) at {@code now}, the next status,
 * the pods to create (by completion index for Indexed Jobs, -1 otherwise), delete and release (tracking finalizer
 * removal). Finished pods are first recorded in status.uncountedTerminatedPods, then their finalizers removed,
 * then moved to the succeeded/failed counters, so a pod is counted exactly once even across crashes (as upstream).
 * As upstream 1.32, SuccessCriteriaMet/FailureTarget come first and Complete/Failed only once no pod is left
 * running or terminating.
 */
public final class JobSync {

    public static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    static final Duration BACKOFF_BASE = Duration.ofSeconds(10);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(6);
    static final int BURST = 500;

    /** What the controller must do, in this order: status, finalizer removals, deletions, creations. */
    public record Plan(JobStatus status, boolean statusChanged, List<Pod> release, List<Pod> delete,
            List<Integer> create, Duration requeueAfter) {
    }

    private JobSync() {
    }

    public static boolean finished(Job job) {
        return hasTrueCondition(job.getStatus(), "Complete") || hasTrueCondition(job.getStatus(), "Failed");
    }

    public static boolean indexed(Job job) {
        return "Indexed".equals(job.getSpec().getCompletionMode());
    }

    public static Plan sync(Job job, List<Pod> pods, Instant now) {
        JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
        JobStatus st = new JobStatusBuilder(old).build();
        String ts = Times.format(now);
        List<Pod> release = new ArrayList<>();
        List<Pod> delete = new ArrayList<>();
        List<Integer> create = new ArrayList<>();
        Duration requeue = null;

        if (finished(job)) {
            for (Pod p : pods) {
                if (hasFinalizer(p)) {
                    release.add(p);
                }
            }
            return new Plan(st, false, release, delete, create, null);
        }

        boolean indexed = indexed(job);
        Integer completions = job.getSpec().getCompletions();
        int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
        int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
        TreeSet<Integer> completed = indexed ? Indexes.parse(st.getCompletedIndexes(), completions)
                : new TreeSet<>();

        // 1. Counting: uncounted pods whose finalizer is gone move to the counters; newly finished pods that
        // still hold the finalizer become uncounted.
        Map<String, Pod> byUid = new HashMap<>();
        pods.forEach(p -> byUid.put(p.getMetadata().getUid(), p));
        UncountedTerminatedPods unc = st.getUncountedTerminatedPods();
        Set<String> uncSucceeded = new LinkedHashSet<>(unc == null || unc.getSucceeded() == null ? List.of()
                : unc.getSucceeded());
        Set<String> uncFailed = new LinkedHashSet<>(unc == null || unc.getFailed() == null ? List.of()
                : unc.getFailed());
        int succeeded = n(st.getSucceeded());
        int failed = n(st.getFailed());
        for (String uid : List.copyOf(uncSucceeded)) {
            Pod p = byUid.get(uid);
            if (p == null || !hasFinalizer(p)) {
                uncSucceeded.remove(uid);
                succeeded++;
            }
        }
        for (String uid : List.copyOf(uncFailed)) {
            Pod p = byUid.get(uid);
            if (p == null || !hasFinalizer(p)) {
                uncFailed.remove(uid);
                failed++;
            }
        }
        for (Pod p : pods) {
            String uid = p.getMetadata().getUid();
            if (!hasFinalizer(p) || uncSucceeded.contains(uid) || uncFailed.contains(uid)) {
                continue;
            }
            if (phase(p, "Succeeded")) {
                uncSucceeded.add(uid);
                Integer idx = indexOf(p, completions);
                if (indexed && idx != null) {
                    completed.add(idx);
                }
            } else if (phase(p, "Failed") || p.getMetadata().getDeletionTimestamp() != null) {
                uncFailed.add(uid); // a terminating pod counts as failed (podReplacementPolicy TerminatingOrFailed)
            }
        }
        for (Pod p : pods) {
            String uid = p.getMetadata().getUid();
            if (hasFinalizer(p) && (uncSucceeded.contains(uid) || uncFailed.contains(uid))) {
                release.add(p);
            }
        }
        int effSucceeded = succeeded + uncSucceeded.size();
        int effFailed = failed + uncFailed.size();

        List<Pod> active = pods.stream().filter(PodState::active).toList();
        List<Pod> terminating = pods.stream()
                .filter(p -> !PodState.terminal(p) && p.getMetadata().getDeletionTimestamp() != null).toList();
        int ready = (int) active.stream().filter(PodState::ready).count();

        List<JobCondition> conds = new ArrayList<>(st.getConditions() == null ? List.of() : st.getConditions());
        boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());

        // 2. Interim conditions.
        JobCondition interim = trueCondition(conds, "FailureTarget");
        if (interim == null) {
            interim = trueCondition(conds, "SuccessCriteriaMet");
        }
        if (interim == null) {
            Instant start = Times.parse(st.getStartTime());
            Long deadline = job.getSpec().getActiveDeadlineSeconds();
            if (effFailed > backoffLimit) {
                interim = condition("FailureTarget", "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit", ts);
            } else if (deadline != null && start != null && !suspended
                    && !now.isBefore(start.plusSeconds(deadline))) {
                interim = condition("FailureTarget", "DeadlineExceeded",
                        "Job was active longer than specified deadline", ts);
            } else if (indexed ? completions != null && completed.size() >= completions
                    : completions != null ? effSucceeded >= completions
                            : effSucceeded > 0 && active.isEmpty()) {
                interim = condition("SuccessCriteriaMet", "CompletionsReached",
                        "Reached expected number of succeeded pods", ts);
            }
            if (interim != null) {
                conds.add(interim);
            }
        }

        if (interim != null) {
            // 3a. Ending: remove what still runs; the terminal condition once nothing runs and all is counted.
            delete.addAll(active);
            if (active.isEmpty() && terminating.isEmpty() && uncSucceeded.isEmpty() && uncFailed.isEmpty()
                    && release.isEmpty()) {
                boolean success = interim.getType().equals("SuccessCriteriaMet");
                conds.add(condition(success ? "Complete" : "Failed", interim.getReason(), interim.getMessage(),
                        ts));
                if (success) {
                    st.setCompletionTime(ts);
                }
            }
        } else if (suspended) {
            delete.addAll(active);
            setCondition(conds, condition("Suspended", "JobSuspended", "Job suspended", ts));
        } else {
            // 3b. Running: resume, start, and keep the wanted number of pods.
            JobCondition s = trueCondition(conds, "Suspended");
            if (s != null) {
                setCondition(conds, new JobConditionBuilder(condition("Suspended", "JobResumed", "Job resumed", ts))
                        .withStatus("False").build());
                st.setStartTime(ts);
            }
            if (st.getStartTime() == null) {
                st.setStartTime(ts);
            }
            Long deadline = job.getSpec().getActiveDeadlineSeconds();
            if (deadline != null) {
                requeue = Duration.between(now, Times.parse(st.getStartTime()).plusSeconds(deadline));
            }
            int want;
            List<Integer> missing = new ArrayList<>();
            if (indexed) {
                Map<Integer, Pod> byIndex = new HashMap<>();
                List<Pod> ranked = new ArrayList<>(active);
                ranked.sort(new ActivePodsRanking().reversed()); // keep the best pod of a duplicated index
                for (Pod p : ranked) {
                    Integer idx = indexOf(p, completions);
                    if (idx == null || completed.contains(idx) || byIndex.putIfAbsent(idx, p) != null) {
                        delete.add(p);
                    }
                }
                want = Math.min(parallelism, completions - completed.size());
                for (int i = 0; i < completions && byIndex.size() + missing.size() < want; i++) {
                    if (!completed.contains(i) && !byIndex.containsKey(i)) {
                        missing.add(i);
                    }
                }
            } else {
                want = completions == null ? (effSucceeded > 0 ? Math.min(active.size(), parallelism) : parallelism)
                        : Math.max(0, Math.min(parallelism, completions - effSucceeded));
                int diff = want - active.size();
                for (int i = 0; i < diff; i++) {
                    missing.add(-1);
                }
                if (diff < 0) {
                    List<Pod> ranked = new ArrayList<>(active);
                    ranked.sort(new ActivePodsRanking());
                    delete.addAll(ranked.subList(0, -diff));
                }
            }
            if (!missing.isEmpty()) {
                Instant lastFailure = lastFailure(pods);
                Instant readyAt = effFailed == 0 || lastFailure == null ? now
                        : lastFailure.plus(backoff(effFailed));
                if (now.isBefore(readyAt)) {
                    Duration wait = Duration.between(now, readyAt);
                    requeue = requeue == null || wait.compareTo(requeue) < 0 ? wait : requeue;
                } else {
                    create.addAll(missing.subList(0, Math.min(missing.size(), BURST)));
                }
            }
        }

        st.setActive(active.size());
        st.setReady(ready);
        st.setTerminating(terminating.size());
        st.setSucceeded(succeeded);
        st.setFailed(failed);
        st.setUncountedTerminatedPods(new UncountedTerminatedPods(new ArrayList<>(uncFailed),
                new ArrayList<>(uncSucceeded)));
        if (indexed) {
            st.setCompletedIndexes(Indexes.format(completed));
        }
        st.setConditions(conds.isEmpty() ? null : conds);
        boolean changed = !Semantic.equal(normalize(old), normalize(st));
        return new Plan(st, changed, release, delete, create, requeue);
    }

    /** 10 s doubling per failure, at most 6 minutes (upstream's pod failure back-off). */
    static Duration backoff(int failures) {
        Duration d = BACKOFF_BASE;
        for (int i = 1; i < failures && d.compareTo(BACKOFF_MAX) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : d;
    }

    /** When the most recent failed pod finished (its containers' finish time, else its deletion time). */
    static Instant lastFailure(List<Pod> pods) {
        Instant last = null;
        for (Pod p : pods) {
            boolean failedPod = phase(p, "Failed")
                    || (!phase(p, "Succeeded") && p.getMetadata().getDeletionTimestamp() != null);
            if (!failedPod) {
                continue;
            }
            Instant t = Times.parse(p.getMetadata().getDeletionTimestamp());
            if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
                for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                    if (cs.getState() != null && cs.getState().getTerminated() != null) {
                        Instant f = Times.parse(cs.getState().getTerminated().getFinishedAt());
                        if (f != null && (t == null || f.isAfter(t))) {
                            t = f;
                        }
                    }
                }
            }
            if (t != null && (last == null || t.isAfter(last))) {
                last = t;
            }
        }
        return last;
    }

    private static JobStatus normalize(JobStatus s) {
        JobStatus c = new JobStatusBuilder(s).build();
        UncountedTerminatedPods u = c.getUncountedTerminatedPods();
        if (u != null && (u.getFailed() == null || u.getFailed().isEmpty())
                && (u.getSucceeded() == null || u.getSucceeded().isEmpty())) {
            c.setUncountedTerminatedPods(null);
        }
        // zero and absent are the same on the wire (omitempty)
        c.setActive(zeroToNull(c.getActive()));
        c.setReady(zeroToNull(c.getReady()));
        c.setTerminating(zeroToNull(c.getTerminating()));
        c.setSucceeded(zeroToNull(c.getSucceeded()));
        c.setFailed(zeroToNull(c.getFailed()));
        return c;
    }

    private static Integer zeroToNull(Integer i) {
        return i == null || i == 0 ? null : i;
    }

    static Integer indexOf(Pod p, Integer completions) {
        String v = p.getMetadata().getAnnotations() == null ? null
                : p.getMetadata().getAnnotations().get(COMPLETION_INDEX);
        if (v == null && p.getMetadata().getLabels() != null) {
            v = p.getMetadata().getLabels().get(COMPLETION_INDEX);
        }
        if (v == null) {
            return null;
        }
        try {
            int i = Integer.parseInt(v);
            return i >= 0 && (completions == null || i < completions) ? i : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static boolean hasFinalizer(Pod p) {
        return p.getMetadata().getFinalizers() != null
                && p.getMetadata().getFinalizers().contains(TRACKING_FINALIZER);
    }

    private static boolean phase(Pod p, String phase) {
        return p.getStatus() != null && phase.equals(p.getStatus().getPhase());
    }

    static boolean hasTrueCondition(JobStatus s, String type) {
        return s != null && s.getConditions() != null && trueCondition(s.getConditions(), type) != null;
    }

    private static JobCondition trueCondition(List<JobCondition> conds, String type) {
        return conds.stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst()
                .orElse(null);
    }

    static JobCondition condition(String type, String reason, String message, String now) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(now).withLastTransitionTime(now).build();
    }

    /** Replaces the condition of the same type unless it already has the same status and reason. */
    private static void setCondition(List<JobCondition> conds, JobCondition c) {
        for (int i = 0; i < conds.size(); i++) {
            JobCondition o = conds.get(i);
            if (o.getType().equals(c.getType())) {
                if (!(o.getStatus().equals(c.getStatus()) && java.util.Objects.equals(o.getReason(), c.getReason()))) {
                    conds.set(i, c);
                }
                return;
            }
        }
        conds.add(c);
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
