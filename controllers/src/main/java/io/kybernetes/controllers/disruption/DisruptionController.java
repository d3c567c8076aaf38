package io.kybernetes.controllers.disruption;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Times;

/**
 * The disruption controller (policy/v1): keeps every PodDisruptionBudget's status (expectedPods, desiredHealthy,
 * currentHealthy, disruptionsAllowed, disruptedPods, observedGeneration and the DisruptionAllowed condition) in
 * line with its pods, which the eviction subresource of the API server reads and decrements. Evicted pods that
 * were not deleted within 2 minutes leave status.disruptedPods (a NotDeleted event on the pod). As upstream, a
 * pod's DisruptionTarget=True condition that is 2 minutes old on a pod that is not being deleted is set back to
 * False (the disruption it announced did not happen).
 */
public final class DisruptionController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(DisruptionController.class);
    public static final String NAME = "disruption";
    public static final String CONDITION = "DisruptionAllowed";
    public static final String SUFFICIENT = "SufficientPods";
    public static final String INSUFFICIENT = "InsufficientPods";
    public static final String SYNC_FAILED = "SyncFailed";
    public static final String DISRUPTION_TARGET = "DisruptionTarget";
    private static final String POD_PREFIX = "pod|";

    private final SharedIndexInformer<PodDisruptionBudget> budgets;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<StatefulSet> statefulSets;
    private final SharedIndexInformer<ReplicationController> replicationControllers;
    private final KubernetesClient client;
    private final EventRecorder events;
    private final Clock clock;
    private final QueueController queue;

    public DisruptionController(Informers informers, KubernetesClient client, EventRecorder events, Clock clock,
            int workers) {
        this.budgets = informers.of(PodDisruptionBudget.class);
        this.pods = informers.pods;
        this.replicaSets = informers.replicaSets;
        this.deployments = informers.deployments;
        this.statefulSets = informers.of(StatefulSet.class);
        this.replicationControllers = informers.of(ReplicationController.class);
        this.client = client;
        this.events = events;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(budgets, pods, replicaSets, deployments,
                statefulSets, replicationControllers);
        budgets.addEventHandler(queue.ownKeyHandler());
        pods.addEventHandler(queue.handler((Pod p) -> {
            List<String> keys = budgetKeysOf(p);
            if (staleConditionSince(p) != null) {
                keys.add(POD_PREFIX + QueueController.key(p));
            }
            return keys;
        }));
    }

    public QueueController queue() {
        return queue;
    }

    /** The budgets of the pod's namespace that select it. */
    private List<String> budgetKeysOf(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (PodDisruptionBudget b : budgets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace())) {
            if (Budgets.selects(b, pod)) {
                keys.add(QueueController.key(b));
            }
        }
        return keys;
    }

    /** When the pod's DisruptionTarget=True condition was set, if it has one and is not being deleted. */
    static Instant staleConditionSince(Pod p) {
        if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null
                || p.getStatus().getConditions() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream()
                .filter(c -> DISRUPTION_TARGET.equals(c.getType()) && "True".equals(c.getStatus())).findFirst()
                .map(c -> {
                    Instant t = Times.parse(c.getLastTransitionTime());
                    return t == null ? Instant.EPOCH : t;
                }).orElse(null);
    }

    /** Resets a DisruptionTarget condition 2 minutes old on a pod that was not deleted. */
    private Result reconcilePod(String key) {
        Pod pod = pods.getIndexer().getByKey(key);
        Instant since = pod == null ? null : staleConditionSince(pod);
        if (since == null) {
            return Result.done();
        }
        Instant now = clock.instant();
        Instant due = since.plus(Budgets.DELETION_TIMEOUT);
        if (now.isBefore(due)) {
            return Result.requeueAfter(Duration.between(now, due).plusSeconds(1));
        }
        Pod copy = new PodBuilder(pod).build();
        copy.getStatus().getConditions().replaceAll(c -> DISRUPTION_TARGET.equals(c.getType())
                ? new PodConditionBuilder(c).withStatus("False").withLastTransitionTime(Times.format(now)).build()
                : c);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
            LOG.infof("reset the stale DisruptionTarget condition of pod %s", key);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        return Result.done();
    }

    @Override
    public Result reconcile(String key) {
        if (key.startsWith(POD_PREFIX)) {
            return reconcilePod(key.substring(POD_PREFIX.length()));
        }
        PodDisruptionBudget pdb = budgets.getIndexer().getByKey(key);
        if (pdb == null) {
            return Result.done();
        }
        String ns = pdb.getMetadata().getNamespace();
        List<Pod> selected = pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns).stream()
                .filter(p -> Budgets.selects(pdb, p)).toList();
        Instant now = clock.instant();
        Budgets.Computed c;
        try {
            c = Budgets.compute(pdb, selected, this::scaleOf, now);
        } catch (Budgets.CountFailed e) {
            LOG.infof("disruption budget %s: %s", key, e.getMessage());
            failSafe(pdb, e.getMessage(), now);
            return Result.requeue();
        }
        for (String name : c.overdue()) {
            Pod p = pods.getIndexer().getByKey(ns + "/" + name);
            if (p != null) {
                events.warning(p, "NotDeleted", "Pod was expected by PDB " + key + " to be deleted but it wasn't");
            }
        }
        PodDisruptionBudgetStatus status = status(pdb, c.currentHealthy(), c.desiredHealthy(), c.expectedPods(),
                c.disruptionsAllowed(), c.disruptedPods(), null, now);
        if (!same(pdb.getStatus(), status)) {
            if (selected.isEmpty()) {
                events.normal(pdb, "NoPods", "No matching pods found");
            }
            if (!c.unmanagedPods().isEmpty()) {
                events.warning(pdb, "UnmanagedPods", "Pods selected by this PodDisruptionBudget were found to be "
                        + "unmanaged (" + String.join(", ", c.unmanagedPods()) + "). As a result, the status of the "
                        + "PDB cannot be calculated correctly, which may result in undefined behavior. To account "
                        + "for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
            }
            write(pdb, status);
            LOG.debugf("disruption budget %s: expected %d, desired healthy %d, healthy %d, allowed %d", key,
                    c.expectedPods(), c.desiredHealthy(), c.currentHealthy(), c.disruptionsAllowed());
        }
        if (c.recheck() != null) {
            return Result.requeueAfter(Duration.between(now, c.recheck()).plusSeconds(1));
        }
        return Result.done();
    }

    /** On an error the budget allows nothing, as upstream's fail-safe. */
    private void failSafe(PodDisruptionBudget pdb, String message, Instant now) {
        PodDisruptionBudgetStatus old = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
        PodDisruptionBudgetStatus status = status(pdb, zero(old.getCurrentHealthy()), zero(old.getDesiredHealthy()),
                zero(old.getExpectedPods()), 0, old.getDisruptedPods(), message, now);
        if (!same(pdb.getStatus(), status)) { // the event too only once per failure, not on every retry
            events.warning(pdb, "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + message);
            write(pdb, status);
        }
    }

    static PodDisruptionBudgetStatus status(PodDisruptionBudget pdb, int healthy, int desired, int expected,
            int allowed, Map<String, String> disrupted, String failure, Instant now) {
        long generation = pdb.getMetadata().getGeneration() == null ? 0 : pdb.getMetadata().getGeneration();
        boolean ok = failure == null && allowed > 0;
        String reason = failure != null ? SYNC_FAILED : ok ? SUFFICIENT : INSUFFICIENT;
        Condition previous = pdb.getStatus() == null || pdb.getStatus().getConditions() == null ? null
                : pdb.getStatus().getConditions().stream().filter(x -> CONDITION.equals(x.getType())).findFirst()
                        .orElse(null);
        String since = previous != null && Objects.equals(previous.getStatus(), ok ? "True" : "False")
                ? previous.getLastTransitionTime() : Times.format(now);
        List<Condition> conditions = new ArrayList<>();
        if (pdb.getStatus() != null && pdb.getStatus().getConditions() != null) {
            pdb.getStatus().getConditions().stream().filter(x -> !CONDITION.equals(x.getType()))
                    .forEach(conditions::add);
        }
        conditions.add(new ConditionBuilder().withType(CONDITION).withStatus(ok ? "True" : "False")
                .withReason(reason).withMessage(failure == null ? "" : failure).withObservedGeneration(generation)
                .withLastTransitionTime(since).build());
        PodDisruptionBudgetStatus s = new PodDisruptionBudgetStatus();
        s.setCurrentHealthy(healthy);
        s.setDesiredHealthy(desired);
        s.setExpectedPods(expected);
        s.setDisruptionsAllowed(allowed);
        s.setDisruptedPods(disrupted == null || disrupted.isEmpty() ? null : Map.copyOf(disrupted));
        s.setObservedGeneration(generation);
        s.setConditions(conditions);
        return s;
    }

    /** Equal figures, disrupted pods, generation and condition (its transition time aside). */
    static boolean same(PodDisruptionBudgetStatus a, PodDisruptionBudgetStatus b) {
        if (a == null) {
            return false;
        }
        return zero(a.getCurrentHealthy()) == zero(b.getCurrentHealthy())
                && zero(a.getDesiredHealthy()) == zero(b.getDesiredHealthy())
                && zero(a.getExpectedPods()) == zero(b.getExpectedPods())
                && zero(a.getDisruptionsAllowed()) == zero(b.getDisruptionsAllowed())
                && emptyIfNull(a.getDisruptedPods()).equals(emptyIfNull(b.getDisruptedPods()))
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && condition(a).equals(condition(b));
    }

    private static String condition(PodDisruptionBudgetStatus s) {
        return s.getConditions() == null ? "" : s.getConditions().stream().filter(c -> CONDITION.equals(c.getType()))
                .map(c -> c.getStatus() + "/" + c.getReason() + "/" + c.getMessage() + "/" + c.getObservedGeneration())
                .findFirst().orElse("");
    }

    private static Map<String, String> emptyIfNull(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static int zero(Integer i) {
        return i == null ? 0 : i;
    }

    /** PUT of the status with the cached resourceVersion: a concurrent eviction makes it 409 and it is retried. */
    private void write(PodDisruptionBudget pdb, PodDisruptionBudgetStatus status) {
        PodDisruptionBudget copy = new PodDisruptionBudgetBuilder(pdb).withStatus(status).build();
        try {
            client.policy().v1().podDisruptionBudget().inNamespace(pdb.getMetadata().getNamespace()).resource(copy)
                    .updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** As upstream's finders: ReplicaSet (unless a Deployment controls it), Deployment, StatefulSet, RC. */
    Optional<Budgets.Scale> scaleOf(OwnerReference ref, String ns) {
        String group = ref.getApiVersion() == null || !ref.getApiVersion().contains("/") ? ""
                : ref.getApiVersion().substring(0, ref.getApiVersion().indexOf('/'));
        switch (ref.getKind()) {
            case "ReplicaSet": {
                ReplicaSet rs = cached(replicaSets, ns, ref, group, "apps", "extensions");
                if (rs == null) {
                    return Optional.empty();
                }
                Optional<OwnerReference> owner = Owners.controllerOf(rs);
                if (owner.isPresent() && owner.get().getKind().equals("Deployment")) {
                    Deployment d = cached(deployments, ns, owner.get(), "apps", "apps", "extensions");
                    return d == null ? Optional.empty()
                            : Optional.of(new Budgets.Scale(d.getMetadata().getUid(), replicas(d.getSpec().getReplicas())));
                }
                return Optional.of(new Budgets.Scale(rs.getMetadata().getUid(), replicas(rs.getSpec().getReplicas())));
            }
            case "StatefulSet": {
                StatefulSet s = cached(statefulSets, ns, ref, group, "apps");
                return s == null ? Optional.empty()
                        : Optional.of(new Budgets.Scale(s.getMetadata().getUid(), replicas(s.getSpec().getReplicas())));
            }
            case "ReplicationController": {
                ReplicationController rc = cached(replicationControllers, ns, ref, group, "");
                return rc == null ? Optional.empty()
                        : Optional.of(new Budgets.Scale(rc.getMetadata().getUid(),
                                replicas(rc.getSpec().getReplicas())));
            }
            default:
                return Optional.empty();
        }
    }

    private static <T extends HasMetadata> T cached(SharedIndexInformer<T> informer, String ns, OwnerReference ref,
            String group, String... groups) {
        if (!List.of(groups).contains(group)) {
            return null;
        }
        T o = informer.getIndexer().getByKey(ns + "/" + ref.getName());
        return o != null && o.getMetadata().getUid().equals(ref.getUid()) ? o : null;
    }

    private static int replicas(Integer r) {
        return r == null ? 1 : r;
    }
}
