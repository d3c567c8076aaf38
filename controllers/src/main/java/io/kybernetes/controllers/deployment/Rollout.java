package io.kybernetes.controllers.deployment;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;

/**
 * One sync of one Deployment over its ReplicaSets (copies; the list is updated as they are scaled):
 * RollingUpdate or Recreate, old ReplicaSet cleanup, and the status `kubectl rollout status` reads.
 * The arithmetic follows upstream's documented rollout behaviour.
 */
public final class Rollout {

    private static final Logger LOG = Logger.getLogger(Rollout.class);

    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    static final int DEFAULT_REVISION_HISTORY = 10;
    static final int DEFAULT_PROGRESS_DEADLINE = 600;

    private final Deployment d;
    private final List<ReplicaSet> rsList;
    private final ReplicaSetControl api;
    private final Instant now;
    /** Whether pods of the given ReplicaSet still exist (Recreate waits for them to be gone). */
    private final Predicate<ReplicaSet> hasPods;
    private DeploymentStatus status;

    public Rollout(Deployment d, List<ReplicaSet> owned, ReplicaSetControl api, Instant now,
            Predicate<ReplicaSet> hasPods) {
        this.d = new DeploymentBuilder(d).build();
        this.rsList = new ArrayList<>();
        owned.forEach(rs -> rsList.add(new ReplicaSetBuilder(rs).build()));
        this.api = api;
        this.now = now;
        this.hasPods = hasPods;
        this.status = d.getStatus() == null ? new DeploymentStatus() : new DeploymentStatusBuilder(d.getStatus()).build();
    }

    public List<ReplicaSet> replicaSets() {
        return rsList;
    }

    public Result run() {
        if (d.getMetadata().getDeletionTimestamp() != null || Boolean.TRUE.equals(d.getSpec().getPaused())) {
            ReplicaSet newRS = findNew().orElse(null);
            return syncStatus(newRS, olds(newRS));
        }
        return Fenceposts.rolling(d) ? rolling() : recreate();
    }

    // ---- RollingUpdate ----

    Result rolling() {
        ReplicaSet newRS = newReplicaSet(true);
        List<ReplicaSet> olds = olds(newRS);
        if (reconcileNewReplicaSet(newRS)) {
            return syncStatus(newRS, olds);
        }
        if (reconcileOldReplicaSets(olds, newRS)) {
            return syncStatus(newRS, olds);
        }
        if (complete(d.getStatus())) {
            cleanup(olds);
        }
        return syncStatus(newRS, olds);
    }

    boolean reconcileNewReplicaSet(ReplicaSet newRS) {
        int want = replicas(d);
        int have = replicas(newRS);
        if (have == want) {
            return false;
        }
        if (have > want) {
            scale(newRS, want);
            return true;
        }
        int next = newReplicasForRolling(newRS);
        if (next == have) {
            return false;
        }
        scale(newRS, next);
        return true;
    }

    /** The new ReplicaSet's size for this step: grow up to replicas + maxSurge pods in all. */
    int newReplicasForRolling(ReplicaSet newRS) {
        int maxTotal = replicas(d) + Fenceposts.maxSurge(d);
        int current = sumReplicas(rsList);
        int have = newRS == null ? 0 : replicas(newRS);
        if (current >= maxTotal) {
            return have;
        }
        int up = Math.min(maxTotal - current, replicas(d) - have);
        return have + up;
    }

    boolean reconcileOldReplicaSets(List<ReplicaSet> olds, ReplicaSet newRS) {
        if (sumReplicas(olds) == 0) {
            return false;
        }
        int all = sumReplicas(rsList);
        int minAvailable = replicas(d) - Fenceposts.maxUnavailable(d);
        int newUnavailable = replicas(newRS) - available(newRS);
        int maxScaledDown = all - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        List<ReplicaSet> active = olds.stream().filter(rs -> replicas(rs) > 0).toList();
        int cleaned = cleanupUnhealthy(active, maxScaledDown);
        int scaled = scaleDownOldForRolling(active);
        return cleaned + scaled > 0;
    }

    /** Scales down old ReplicaSets' unavailable pods first: they cost no availability. */
    int cleanupUnhealthy(List<ReplicaSet> olds, int maxCleanup) {
        List<ReplicaSet> sorted = new ArrayList<>(olds);
        sorted.sort(byCreation());
        int total = 0;
        for (ReplicaSet rs : sorted) {
            if (total >= maxCleanup) {
                break;
            }
            int r = replicas(rs);
            if (r == 0 || r == available(rs)) {
                continue;
            }
            int down = Math.min(maxCleanup - total, r - available(rs));
            scale(rs, r - down);
            total += down;
        }
        return total;
    }

    /** Scales down old ReplicaSets as far as availability allows (replicas - maxUnavailable must stay available). */
    int scaleDownOldForRolling(List<ReplicaSet> olds) {
        int minAvailable = replicas(d) - Fenceposts.maxUnavailable(d);
        int availableNow = rsList.stream().mapToInt(Rollout::available).sum();
        if (availableNow <= minAvailable) {
            return 0;
        }
        int totalDown = availableNow - minAvailable;
        List<ReplicaSet> sorted = new ArrayList<>(olds);
        sorted.sort(byCreation());
        int done = 0;
        for (ReplicaSet rs : sorted) {
            ReplicaSet current = current(rs);
            if (done >= totalDown) {
                break;
            }
            if (replicas(current) == 0) {
                continue;
            }
            int down = Math.min(replicas(current), totalDown - done);
            scale(current, replicas(current) - down);
            done += down;
        }
        return done;
    }

    // ---- Recreate ----

    Result recreate() {
        ReplicaSet newRS = newReplicaSet(false);
        List<ReplicaSet> olds = olds(newRS);
        boolean scaledDown = false;
        for (ReplicaSet rs : olds) {
            if (replicas(rs) > 0) {
                scale(rs, 0);
                scaledDown = true;
            }
        }
        if (scaledDown) {
            return syncStatus(newRS, olds);
        }
        if (olds.stream().anyMatch(hasPods)) {
            return syncStatus(newRS, olds);
        }
        if (newRS == null) {
            newRS = newReplicaSet(true);
        }
        if (replicas(newRS) != replicas(d)) {
            scale(newRS, replicas(d));
        }
        if (complete(d.getStatus())) {
            cleanup(olds);
        }
        return syncStatus(newRS, olds);
    }

    // ---- new ReplicaSet ----

    Optional<ReplicaSet> findNew() {
        return rsList.stream().sorted(byCreation())
                .filter(rs -> PodTemplateHash.equalIgnoringHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                .findFirst();
    }

    List<ReplicaSet> olds(ReplicaSet newRS) {
        List<ReplicaSet> out = new ArrayList<>();
        for (ReplicaSet rs : rsList) {
            if (newRS == null || !rs.getMetadata().getUid().equals(newRS.getMetadata().getUid())) {
                out.add(rs);
            }
        }
        return out;
    }

    /** Finds the ReplicaSet of the current template (syncing its annotations) or, if asked, creates it. */
    ReplicaSet newReplicaSet(boolean create) {
        Optional<ReplicaSet> existing = findNew();
        List<ReplicaSet> olds = olds(existing.orElse(null));
        long maxOld = olds.stream().mapToLong(Rollout::revision).max().orElse(0);
        String newRevision = Long.toString(maxOld + 1);
        if (existing.isPresent()) {
            ReplicaSet rs = existing.get();
            ReplicaSet copy = new ReplicaSetBuilder(rs).build();
            boolean changed = setAnnotations(copy, newRevision, revision(rs) < maxOld + 1);
            if (!Objects.equals(copy.getSpec().getMinReadySeconds(), d.getSpec().getMinReadySeconds())) {
                copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                changed = true;
            }
            if (changed) {
                rs = replace(api.update(copy));
            }
            syncDeploymentRevision(rs);
            return rs;
        }
        if (!create) {
            return null;
        }
        String hash = PodTemplateHash.compute(d.getSpec().getTemplate(), status.getCollisionCount());
        PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).editOrNewMetadata()
                .addToLabels(PodTemplateHash.LABEL, hash).endMetadata().build();
        LabelSelector selector = new LabelSelectorBuilder(d.getSpec().getSelector())
                .addToMatchLabels(PodTemplateHash.LABEL, hash).build();
        Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata().withName(d.getMetadata().getName() + "-" + hash)
                .withNamespace(d.getMetadata().getNamespace()).withLabels(labels)
                .withOwnerReferences(Owners.controllerRef(d, "apps/v1", "Deployment")).endMetadata()
                .withNewSpec().withReplicas(0).withMinReadySeconds(d.getSpec().getMinReadySeconds())
                .withSelector(selector).withTemplate(template).endSpec()
                .build();
        setAnnotations(rs, newRevision, true);
        rs.getSpec().setReplicas(Fenceposts.rolling(d) ? newReplicasForRolling(null) : 0);
        ReplicaSet created = api.create(rs);
        if (!Owners.isControlledBy(created, d)
                || !PodTemplateHash.equalIgnoringHash(created.getSpec().getTemplate(), d.getSpec().getTemplate())) {
            // A ReplicaSet of that name is someone else's or another template: hash collision.
            int cc = status.getCollisionCount() == null ? 1 : status.getCollisionCount() + 1;
            status.setCollisionCount(cc);
            api.updateStatus(withStatus(status));
            throw new IllegalStateException("hash collision for ReplicaSet " + rs.getMetadata().getName()
                    + "; collisionCount is now " + cc);
        }
        LOG.infof("deployment %s/%s: created ReplicaSet %s with %d replicas", d.getMetadata().getNamespace(),
                d.getMetadata().getName(), created.getMetadata().getName(), replicas(created));
        rsList.add(created);
        setCondition(condition("Progressing", "True", "NewReplicaSetCreated",
                "Created new replica set \"" + created.getMetadata().getName() + "\""));
        syncDeploymentRevision(created);
        return created;
    }

    /** Sets revision (when asked), desired-replicas and max-replicas, and copies the Deployment's annotations. */
    boolean setAnnotations(ReplicaSet rs, String revision, boolean setRevision) {
        Map<String, String> a = rs.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(rs.getMetadata().getAnnotations());
        Map<String, String> before = new HashMap<>(a);
        if (d.getMetadata().getAnnotations() != null) {
            d.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!k.equals(LAST_APPLIED) && !k.equals(REVISION) && !k.startsWith("deployment.kubernetes.io/")) {
                    a.put(k, v);
                }
            });
        }
        if (setRevision) {
            a.put(REVISION, revision);
        }
        a.put(DESIRED_REPLICAS, Integer.toString(replicas(d)));
        a.put(MAX_REPLICAS, Integer.toString(replicas(d) + Fenceposts.maxSurge(d)));
        rs.getMetadata().setAnnotations(a);
        return !a.equals(before);
    }

    private void syncDeploymentRevision(ReplicaSet newRS) {
        String rev = newRS.getMetadata().getAnnotations() == null ? null
                : newRS.getMetadata().getAnnotations().get(REVISION);
        Map<String, String> a = d.getMetadata().getAnnotations();
        if (rev == null || (a != null && rev.equals(a.get(REVISION)))) {
            return;
        }
        Deployment copy = new DeploymentBuilder(d).editMetadata().addToAnnotations(REVISION, rev).endMetadata()
                .build();
        copy.setStatus(null);
        api.updateDeployment(copy);
    }

    // ---- cleanup ----

    void cleanup(List<ReplicaSet> olds) {
        int limit = d.getSpec().getRevisionHistoryLimit() == null ? DEFAULT_REVISION_HISTORY
                : d.getSpec().getRevisionHistoryLimit();
        List<ReplicaSet> alive = new ArrayList<>();
        for (ReplicaSet rs : olds) {
            ReplicaSet c = current(rs);
            if (c.getMetadata().getDeletionTimestamp() == null) {
                alive.add(c);
            }
        }
        int diff = alive.size() - limit;
        if (diff <= 0) {
            return;
        }
        alive.sort(Comparator.comparingLong(Rollout::revision).thenComparing(byCreation()));
        for (int i = 0; i < diff; i++) {
            ReplicaSet rs = alive.get(i);
            long observed = rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null ? 0
                    : rs.getStatus().getObservedGeneration();
            long gen = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
            if (statusReplicas(rs) != 0 || replicas(rs) != 0 || gen > observed) {
                continue;
            }
            LOG.infof("deployment %s/%s: deleting old ReplicaSet %s", d.getMetadata().getNamespace(),
                    d.getMetadata().getName(), rs.getMetadata().getName());
            api.delete(rs);
        }
    }

    // ---- status ----

    Result syncStatus(ReplicaSet newRS, List<ReplicaSet> olds) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        DeploymentStatus s = calculateStatus(newRS);
        Duration recheck = null;
        int deadline = d.getSpec().getProgressDeadlineSeconds() == null ? DEFAULT_PROGRESS_DEADLINE
                : d.getSpec().getProgressDeadlineSeconds();
        if (!Boolean.TRUE.equals(d.getSpec().getPaused())) {
            DeploymentCondition cur = get(s, "Progressing");
            String rsName = newRS == null ? null : newRS.getMetadata().getName();
            if (complete(s)) {
                if (cur == null || !"NewReplicaSetAvailable".equals(cur.getReason())) {
                    setCondition(s, condition("Progressing", "True", "NewReplicaSetAvailable",
                            "ReplicaSet \"" + rsName + "\" has successfully progressed."));
                }
            } else if (progressing(old, s)) {
                DeploymentCondition c = condition("Progressing", "True", "ReplicaSetUpdated",
                        rsName == null ? "Deployment \"" + d.getMetadata().getName() + "\" is progressing."
                                : "ReplicaSet \"" + rsName + "\" is progressing.");
                if (cur != null && "True".equals(cur.getStatus())) {
                    c.setLastTransitionTime(cur.getLastTransitionTime());
                }
                s.getConditions().removeIf(x -> "Progressing".equals(x.getType()));
                s.getConditions().add(c);
            } else if (cur != null && !"ProgressDeadlineExceeded".equals(cur.getReason())) {
                Instant last = parse(cur.getLastUpdateTime());
                if (last != null && last.plusSeconds(deadline).isBefore(now)) {
                    setCondition(s, condition("Progressing", "False", "ProgressDeadlineExceeded",
                            rsName == null ? "Deployment \"" + d.getMetadata().getName() + "\" has timed out progressing."
                                    : "ReplicaSet \"" + rsName + "\" has timed out progressing."));
                } else if (last != null) {
                    recheck = Duration.between(now, last.plusSeconds(deadline)).plusSeconds(1);
                }
            }
        }
        if (!Semantic.equal(s, d.getStatus())) {
            api.updateStatus(withStatus(s));
        }
        if (recheck != null && !complete(s)) {
            return Result.requeueAfter(recheck);
        }
        return Result.done();
    }

    DeploymentStatus calculateStatus(ReplicaSet newRS) {
        List<ReplicaSet> all = new ArrayList<>(rsList);
        int available = all.stream().mapToInt(Rollout::available).sum();
        int total = sumReplicas(all);
        DeploymentStatus s = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(all.stream().mapToInt(Rollout::statusReplicas).sum())
                .withUpdatedReplicas(newRS == null ? 0 : statusReplicas(current(newRS)))
                .withReadyReplicas(all.stream().mapToInt(rs -> rs.getStatus() == null
                        || rs.getStatus().getReadyReplicas() == null ? 0 : rs.getStatus().getReadyReplicas()).sum())
                .withAvailableReplicas(available)
                .withUnavailableReplicas(Math.max(0, total - available))
                .withCollisionCount(status.getCollisionCount())
                .withConditions(new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions()))
                .build();
        if (available >= replicas(d) - Fenceposts.maxUnavailable(d)) {
            setCondition(s, condition("Available", "True", "MinimumReplicasAvailable",
                    "Deployment has minimum availability."));
        } else {
            setCondition(s, condition("Available", "False", "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability."));
        }
        return s;
    }

    boolean complete(DeploymentStatus s) {
        if (s == null) {
            return false;
        }
        int want = replicas(d);
        return n(s.getUpdatedReplicas()) == want && n(s.getReplicas()) == want && n(s.getAvailableReplicas()) == want
                && (s.getObservedGeneration() == null ? 0 : s.getObservedGeneration())
                        >= (d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration());
    }

    static boolean progressing(DeploymentStatus old, DeploymentStatus s) {
        int oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
        int newOld = n(s.getReplicas()) - n(s.getUpdatedReplicas());
        return n(s.getUpdatedReplicas()) > n(old.getUpdatedReplicas()) || newOld < oldOld
                || n(s.getReadyReplicas()) > n(old.getReadyReplicas())
                || n(s.getAvailableReplicas()) > n(old.getAvailableReplicas());
    }

    private void setCondition(DeploymentCondition c) {
        if (status.getConditions() == null) {
            status.setConditions(new ArrayList<>());
        }
        setCondition(status, c);
    }

    /** Adds or replaces a condition; unchanged status and reason keep the old one; same status keeps its time. */
    static void setCondition(DeploymentStatus s, DeploymentCondition c) {
        DeploymentCondition cur = get(s, c.getType());
        if (cur != null && Objects.equals(cur.getStatus(), c.getStatus())
                && Objects.equals(cur.getReason(), c.getReason())) {
            return;
        }
        if (cur != null && Objects.equals(cur.getStatus(), c.getStatus())) {
            c.setLastTransitionTime(cur.getLastTransitionTime());
        }
        s.getConditions().removeIf(x -> c.getType().equals(x.getType()));
        s.getConditions().add(c);
    }

    static DeploymentCondition get(DeploymentStatus s, String type) {
        if (s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    DeploymentCondition condition(String type, String status, String reason, String message) {
        String t = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).withLastUpdateTime(t).withLastTransitionTime(t).build();
    }

    private Deployment withStatus(DeploymentStatus s) {
        Deployment copy = new DeploymentBuilder(d).build();
        copy.setStatus(s);
        return copy;
    }

    // ---- helpers ----

    private void scale(ReplicaSet rs, int replicas) {
        ReplicaSet copy = new ReplicaSetBuilder(current(rs)).build();
        int from = replicas(copy);
        copy.getSpec().setReplicas(replicas);
        setAnnotations(copy, null, false);
        LOG.infof("deployment %s/%s: scaling ReplicaSet %s from %d to %d", d.getMetadata().getNamespace(),
                d.getMetadata().getName(), copy.getMetadata().getName(), from, replicas);
        replace(api.update(copy));
    }

    private ReplicaSet replace(ReplicaSet updated) {
        for (int i = 0; i < rsList.size(); i++) {
            if (rsList.get(i).getMetadata().getUid().equals(updated.getMetadata().getUid())) {
                rsList.set(i, updated);
            }
        }
        return updated;
    }

    private ReplicaSet current(ReplicaSet rs) {
        for (ReplicaSet r : rsList) {
            if (r.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
                return r;
            }
        }
        return rs;
    }

    static Comparator<ReplicaSet> byCreation() {
        return Comparator.comparing((ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp() == null ? ""
                : rs.getMetadata().getCreationTimestamp()).thenComparing(rs -> rs.getMetadata().getName());
    }

    static long revision(ReplicaSet rs) {
        String v = rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(REVISION);
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int replicas(Deployment d) {
        return Fenceposts.replicas(d);
    }

    static int replicas(ReplicaSet rs) {
        return rs == null || rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    static int available(ReplicaSet rs) {
        return rs == null || rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
                : rs.getStatus().getAvailableReplicas();
    }

    static int statusReplicas(ReplicaSet rs) {
        return rs == null || rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0
                : rs.getStatus().getReplicas();
    }

    static int sumReplicas(List<ReplicaSet> l) {
        return l.stream().mapToInt(Rollout::replicas).sum();
    }

    private static int n(Integer x) {
        return x == null ? 0 : x;
    }

    private static Instant parse(String ts) {
        try {
            return ts == null ? null : Instant.parse(ts);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
