package io.kybernetes.controllers.replicaset;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.informers.Selectors;
import io.kybernetes.controllers.reconcile.Expectations;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/** Keeps spec.replicas pods of each ReplicaSet: creates, adopts and deletes pods, and reports status. */
public final class ReplicaSetController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(ReplicaSetController.class);
    public static final String NAME = "replicaset";
    /** At most this many pod creations or deletions per sync (upstream's burstReplicas). */
    static final int BURST = 500;
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The kind of owner managed: ReplicaSets, or another kind with ReplicaSet semantics (ReplicationController)
     * seen through {@code view} as a ReplicaSet with the owner's name and uid.
     */
    public record Managed<T extends HasMetadata>(String name, String apiVersion, String kind,
            SharedIndexInformer<T> informer, Function<T, ReplicaSet> view) {

        ReplicaSet get(String key) {
            T o = informer.getIndexer().getByKey(key);
            return o == null ? null : view.apply(o);
        }

        List<ReplicaSet> inNamespace(String ns) {
            return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns).stream().map(view).toList();
        }
    }

    private final Informers informers;
    private final Managed<?> managed;
    private final PodControl pods;
    private final Expectations expectations = new Expectations();
    private final Clock clock;
    private final QueueController queue;

    public ReplicaSetController(Informers informers, PodControl pods, Clock clock, int workers) {
        this(informers, new Managed<>(NAME, "apps/v1", "ReplicaSet", informers.replicaSets, rs -> rs), pods, clock,
                workers);
    }

    public <T extends HasMetadata> ReplicaSetController(Informers informers, Managed<T> managed, PodControl pods,
            Clock clock, int workers) {
        this.informers = informers;
        this.managed = managed;
        this.pods = pods;
        this.clock = clock;
        this.queue = new QueueController(managed.name(), this, workers).dependsOn(managed.informer(),
                informers.pods);
        managed.informer().addEventHandler(queue.ownKeyHandler());
        informers.pods.addEventHandler(podHandler());
    }

    public QueueController queue() {
        return queue;
    }

    private ResourceEventHandler<Pod> podHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    onDelete(pod, false);
                    return;
                }
                Optional<String> owner = ownerKey(pod);
                if (owner.isPresent()) {
                    expectations.creationObserved(owner.get());
                    queue.enqueue(owner.get());
                } else {
                    matchingReplicaSets(pod).forEach(queue::enqueue);
                }
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
                    return;
                }
                if (pod.getMetadata().getDeletionTimestamp() != null && old.getMetadata().getDeletionTimestamp() == null) {
                    ownerKey(pod).ifPresent(expectations::deletionObserved);
                }
                ownerKey(old).ifPresent(queue::enqueue);
                Optional<String> owner = ownerKey(pod);
                if (owner.isPresent()) {
                    queue.enqueue(owner.get());
                } else {
                    matchingReplicaSets(pod).forEach(queue::enqueue);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                ownerKey(pod).ifPresent(k -> {
                    expectations.deletionObserved(k);
                    queue.enqueue(k);
                });
            }
        };
    }

    private Optional<String> ownerKey(Pod pod) {
        return Owners.controllerOf(pod).filter(r -> managed.kind().equals(r.getKind()))
                .map(r -> pod.getMetadata().getNamespace() + "/" + r.getName());
    }

    private List<String> matchingReplicaSets(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (ReplicaSet rs : managed.inNamespace(pod.getMetadata().getNamespace())) {
            if (Selectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                keys.add(QueueController.key(rs));
            }
        }
        return keys;
    }

    @Override
    public Result reconcile(String key) {
        ReplicaSet cached = managed.get(key);
        if (cached == null) {
            expectations.delete(key);
            return Result.done();
        }
        ReplicaSet rs = new ReplicaSetBuilder(cached).build();
        boolean needsSync = expectations.satisfied(key);
        List<Pod> owned = claimPods(rs);
        List<Pod> active = owned.stream().filter(PodState::active).toList();
        if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            manageReplicas(key, rs, active);
        }
        Instant now = clock.instant();
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        ReplicaSetStatus status = calculateStatus(rs, active, now);
        if (!sameStatus(rs.getStatus(), status)) {
            rs.setStatus(status);
            pods.updateStatus(rs);
        }
        if (minReady > 0 && status.getReadyReplicas() > status.getAvailableReplicas()) {
            return Result.requeueAfter(Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    /** The pods this ReplicaSet controls, adopting matching orphans (not while the ReplicaSet is being deleted). */
    List<Pod> claimPods(ReplicaSet rs) {
        List<Pod> out = new ArrayList<>();
        for (Pod pod : informers.pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, rs.getMetadata().getNamespace())) {
            Optional<OwnerReference> ref = Owners.controllerOf(pod);
            boolean matches = Selectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels());
            if (ref.isPresent()) {
                if (ref.get().getUid().equals(rs.getMetadata().getUid())) {
                    if (matches) {
                        out.add(pod);
                    } else if (PodState.active(pod)) {
                        // Relabelled out of the selector: release it (it becomes an orphan), as upstream.
                        pods.releasePod(pod, rs.getMetadata().getUid());
                        LOG.infof("replicaset %s/%s released pod %s", rs.getMetadata().getNamespace(),
                                rs.getMetadata().getName(), pod.getMetadata().getName());
                    }
                }
            } else if (matches && rs.getMetadata().getDeletionTimestamp() == null && PodState.active(pod)) {
                pods.adoptPod(pod, Owners.controllerRef(rs, managed.apiVersion(), managed.kind()));
                LOG.infof("replicaset %s/%s adopted pod %s", rs.getMetadata().getNamespace(),
                        rs.getMetadata().getName(), pod.getMetadata().getName());
                out.add(pod);
            }
        }
        return out;
    }

    void manageReplicas(String key, ReplicaSet rs, List<Pod> active) {
        int want = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        int diff = active.size() - want;
        if (diff < 0) {
            int n = Math.min(-diff, BURST);
            expectations.expectCreations(key, n);
            LOG.infof("replicaset %s: too few replicas (%d, want %d): creating %d", key, active.size(), want, n);
            int created = 0;
            try {
                for (; created < n; created++) {
                    pods.createPod(newPod(rs));
                }
            } finally {
                for (int i = created; i < n; i++) {
                    expectations.creationObserved(key); // never coming: lower the expectation
                }
            }
        } else if (diff > 0) {
            int n = Math.min(diff, BURST);
            List<Pod> ranked = new ArrayList<>(active);
            ranked.sort(new ActivePodsRanking());
            List<Pod> victims = ranked.subList(0, n);
            expectations.expectDeletions(key, n);
            LOG.infof("replicaset %s: too many replicas (%d, want %d): deleting %d", key, active.size(), want, n);
            for (Pod p : victims) {
                try {
                    pods.deletePod(p);
                } catch (KubernetesClientException e) {
                    expectations.deletionObserved(key);
                    throw e;
                }
            }
        }
    }

    /** A pod from the template: generateName {@code <rs>-} (and a name of that form, so retries are visible). */
    Pod newPod(ReplicaSet rs) {
        var t = rs.getSpec().getTemplate();
        Map<String, String> labels = t.getMetadata() == null || t.getMetadata().getLabels() == null ? Map.of()
                : t.getMetadata().getLabels();
        Map<String, String> annotations = t.getMetadata() == null || t.getMetadata().getAnnotations() == null
                ? Map.of() : t.getMetadata().getAnnotations();
        String prefix = rs.getMetadata().getName() + "-";
        return new PodBuilder()
                .withNewMetadata().withNamespace(rs.getMetadata().getNamespace()).withGenerateName(prefix)
                .withName(prefix + randomSuffix()).withLabels(new HashMap<>(labels))
                .withAnnotations(annotations.isEmpty() ? null : new HashMap<>(annotations))
                .withOwnerReferences(Owners.controllerRef(rs, managed.apiVersion(), managed.kind())).endMetadata()
                .withSpec(t.getSpec())
                .build();
    }

    public static String randomSuffix() {
        StringBuilder b = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            b.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
        }
        return b.toString();
    }

    static ReplicaSetStatus calculateStatus(ReplicaSet rs, List<Pod> active, Instant now) {
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        Map<String, String> templateLabels = rs.getSpec().getTemplate().getMetadata() == null ? Map.of()
                : rs.getSpec().getTemplate().getMetadata().getLabels();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod p : active) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (PodState.ready(p)) {
                ready++;
                if (PodState.available(p, minReady, now)) {
                    available++;
                }
            }
        }
        return new ReplicaSetStatusBuilder().withReplicas(active.size()).withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready).withAvailableReplicas(available)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .withConditions(rs.getStatus() == null ? null : rs.getStatus().getConditions())
                .build();
    }

    static boolean sameStatus(ReplicaSetStatus a, ReplicaSetStatus b) {
        if (a == null) {
            return false;
        }
        return n(a.getReplicas()) == n(b.getReplicas()) && n(a.getFullyLabeledReplicas()) == n(b.getFullyLabeledReplicas())
                && n(a.getReadyReplicas()) == n(b.getReadyReplicas())
                && n(a.getAvailableReplicas()) == n(b.getAvailableReplicas())
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
    }

    private static long n(Number x) {
        return x == null ? 0 : x.longValue();
    }
}
