package io.kybernetes.controllers.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.Expectations;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Times;
import io.kybernetes.controllers.replicaset.ReplicaSetController;

/**
 * Runs each Job's pods to completion ({@link JobSync} decides, this class reads caches and writes), and deletes
 * finished Jobs after ttlSecondsAfterFinished (upstream's separate ttl-after-finished controller, folded in).
 */
public final class JobController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(JobController.class);
    public static final String NAME = "job";
    public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    public static final String JOB_NAME = "batch.kubernetes.io/job-name";
    public static final String LEGACY_CONTROLLER_UID = "controller-uid";
    public static final String LEGACY_JOB_NAME = "job-name";

    private final SharedIndexInformer<Job> jobs;
    private final SharedIndexInformer<Pod> pods;
    private final JobControl control;
    private final Clock clock;
    private final Expectations expectations = new Expectations();
    private final QueueController queue;

    public JobController(Informers informers, JobControl control, Clock clock, int workers) {
        this.jobs = informers.of(Job.class);
        this.pods = informers.pods;
        this.control = control;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(jobs, pods);
        jobs.addEventHandler(queue.ownKeyHandler());
        pods.addEventHandler(podHandler());
    }

    public QueueController queue() {
        return queue;
    }

    private ResourceEventHandler<Pod> podHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                ownerKey(pod).ifPresent(k -> {
                    expectations.creationObserved(k);
                    queue.enqueue(k);
                });
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
                    return;
                }
                if (pod.getMetadata().getDeletionTimestamp() != null
                        && old.getMetadata().getDeletionTimestamp() == null) {
                    ownerKey(pod).ifPresent(expectations::deletionObserved);
                }
                ownerKey(old).ifPresent(queue::enqueue);
                ownerKey(pod).ifPresent(queue::enqueue);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                ownerKey(pod).ifPresent(k -> {
                    if (pod.getMetadata().getDeletionTimestamp() == null) {
                        expectations.deletionObserved(k);
                    }
                    queue.enqueue(k);
                });
            }
        };
    }

    private static Optional<String> ownerKey(Pod pod) {
        return Owners.controllerOf(pod).filter(r -> "Job".equals(r.getKind()))
                .map(r -> pod.getMetadata().getNamespace() + "/" + r.getName());
    }

    @Override
    public Result reconcile(String key) {
        Job cached = jobs.getIndexer().getByKey(key);
        if (cached == null) {
            expectations.delete(key);
            releaseOrphans(key, null);
            return Result.done();
        }
        Job job = new JobBuilder(cached).build();
        List<Pod> owned = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Informers.BY_OWNER_UID, job.getMetadata().getUid())) {
            if (Owners.isControlledBy(p, job)) {
                owned.add(p);
            }
        }
        releaseOrphans(key, job.getMetadata().getUid());
        if (job.getMetadata().getDeletionTimestamp() != null) {
            owned.stream().filter(JobSync::hasFinalizer).forEach(control::removeTrackingFinalizer);
            return Result.done();
        }
        Instant now = clock.instant();
        boolean satisfied = expectations.satisfied(key);
        JobSync.Plan plan = JobSync.sync(job, owned, now);
        if (plan.statusChanged()) {
            Job updated = new JobBuilder(job).withStatus(plan.status()).build();
            control.updateStatus(updated);
            logTransitions(key, job, plan);
        }
        plan.release().forEach(control::removeTrackingFinalizer);
        if (satisfied) {
            if (!plan.delete().isEmpty()) {
                expectations.expectDeletions(key, plan.delete().size());
                LOG.infof("job %s: deleting %d pods", key, plan.delete().size());
                for (Pod p : plan.delete()) {
                    try {
                        control.deletePod(p);
                    } catch (KubernetesClientException e) {
                        expectations.deletionObserved(key);
                        throw e;
                    }
                }
            }
            if (!plan.create().isEmpty()) {
                int n = plan.create().size();
                expectations.expectCreations(key, n);
                LOG.infof("job %s: creating %d pods", key, n);
                int created = 0;
                try {
                    for (int index : plan.create()) {
                        control.createPod(newPod(job, index));
                        created++;
                    }
                } finally {
                    for (int i = created; i < n; i++) {
                        expectations.creationObserved(key);
                    }
                }
            }
        }
        Duration after = plan.requeueAfter();
        if (JobSync.finished(job) || (plan.statusChanged() && JobSync.finished(jobWith(job, plan)))) {
            Duration ttl = ttlRemaining(plan.statusChanged() ? jobWith(job, plan) : job, now);
            if (ttl != null) {
                if (ttl.isZero() || ttl.isNegative()) {
                    LOG.infof("job %s: ttlSecondsAfterFinished passed, deleting", key);
                    control.deleteJob(job);
                    return Result.done();
                }
                after = ttl;
            }
        }
        if (after != null) {
            return Result.requeueAfter(after.isNegative() ? Duration.ZERO : after.plusMillis(100));
        }
        return Result.done();
    }

    private static Job jobWith(Job job, JobSync.Plan plan) {
        return new JobBuilder(job).withStatus(plan.status()).build();
    }

    private void logTransitions(String key, Job job, JobSync.Plan plan) {
        List<JobCondition> before = job.getStatus() == null || job.getStatus().getConditions() == null ? List.of()
                : job.getStatus().getConditions();
        if (plan.status().getConditions() == null) {
            return;
        }
        for (JobCondition c : plan.status().getConditions()) {
            if (!before.contains(c)) {
                LOG.infof("job %s: condition %s=%s (%s)", key, c.getType(), c.getStatus(), c.getReason());
            }
        }
    }

    /** Time left before a finished Job with ttlSecondsAfterFinished expires; null without a TTL. */
    static Duration ttlRemaining(Job job, Instant now) {
        Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
        if (ttl == null || job.getStatus() == null) {
            return null;
        }
        Instant finishedAt = Times.parse(job.getStatus().getCompletionTime());
        if (finishedAt == null && job.getStatus().getConditions() != null) {
            finishedAt = job.getStatus().getConditions().stream()
                    .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                            && "True".equals(c.getStatus()))
                    .map(c -> Times.parse(c.getLastTransitionTime())).filter(Objects::nonNull).findFirst()
                    .orElse(null);
        }
        if (finishedAt == null) {
            return null;
        }
        return Duration.between(now, finishedAt.plusSeconds(ttl));
    }

    /** Pods still holding the tracking finalizer for a Job of this name that is gone (or is another uid). */
    private void releaseOrphans(String key, String liveUid) {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (!JobSync.hasFinalizer(p)) {
                continue;
            }
            Owners.controllerOf(p).filter(r -> "Job".equals(r.getKind()) && name.equals(r.getName())
                    && !r.getUid().equals(liveUid)).ifPresent(r -> control.removeTrackingFinalizer(p));
        }
    }

    /** A pod from the Job's template, as upstream labels, annotates and names it. */
    static Pod newPod(Job job, int index) {
        var t = job.getSpec().getTemplate();
        String name = job.getMetadata().getName();
        String uid = job.getMetadata().getUid();
        Map<String, String> labels = new LinkedHashMap<>(t.getMetadata() == null || t.getMetadata().getLabels()
                == null ? Map.of() : t.getMetadata().getLabels());
        labels.put(CONTROLLER_UID, uid);
        labels.put(JOB_NAME, name);
        labels.put(LEGACY_CONTROLLER_UID, uid);
        labels.put(LEGACY_JOB_NAME, name);
        Map<String, String> annotations = new HashMap<>(t.getMetadata() == null
                || t.getMetadata().getAnnotations() == null ? Map.of() : t.getMetadata().getAnnotations());
        PodSpec spec = new PodSpecBuilder(t.getSpec()).build();
        String generateName = name + "-";
        if (index >= 0) {
            String idx = Integer.toString(index);
            labels.put(JobSync.COMPLETION_INDEX, idx);
            annotations.put(JobSync.COMPLETION_INDEX, idx);
            generateName = name + "-" + idx + "-";
            if (spec.getHostname() == null) {
                spec.setHostname(name + "-" + idx);
            }
            EnvVar env = new EnvVarBuilder().withName("JOB_COMPLETION_INDEX").withNewValueFrom().withNewFieldRef()
                    .withFieldPath("metadata.annotations['" + JobSync.COMPLETION_INDEX + "']").endFieldRef()
                    .endValueFrom().build();
            List<Container> all = new ArrayList<>(spec.getContainers());
            if (spec.getInitContainers() != null) {
                all.addAll(spec.getInitContainers());
            }
            for (Container c : all) {
                List<EnvVar> envs = c.getEnv() == null ? new ArrayList<>() : new ArrayList<>(c.getEnv());
                if (envs.stream().noneMatch(e -> e.getName().equals("JOB_COMPLETION_INDEX"))) {
                    envs.add(env);
                }
                c.setEnv(envs);
            }
        }
        return new PodBuilder().withNewMetadata().withGenerateName(generateName)
                .withName(generateName + ReplicaSetController.randomSuffix())
                .withNamespace(job.getMetadata().getNamespace()).withLabels(labels)
                .withAnnotations(annotations.isEmpty() ? null : annotations)
                .withOwnerReferences(Owners.controllerRef(job, "batch/v1", "Job"))
                .withFinalizers(JobSync.TRACKING_FINALIZER).endMetadata().withSpec(spec).build();
    }
}
