package io.kybernetes.controllers.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.kybernetes.controllers.informers.Owners;

/** One reconcile step of a rollout at a time, over fake ReplicaSets (table-driven). */
class RolloutTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** An in-memory ReplicaSetControl. */
    static final class FakeControl implements ReplicaSetControl {
        final Map<String, ReplicaSet> sets = new LinkedHashMap<>();
        final List<Deployment> statusUpdates = new ArrayList<>();
        int uid;

        @Override
        public ReplicaSet create(ReplicaSet rs) {
            ReplicaSet c = new ReplicaSetBuilder(rs).editMetadata().withUid("rs-" + (++uid))
                    .withCreationTimestamp("2026-01-01T00:00:0" + uid + "Z").withGeneration(1L).endMetadata().build();
            sets.put(c.getMetadata().getName(), c);
            return c;
        }

        @Override
        public ReplicaSet update(ReplicaSet rs) {
            sets.put(rs.getMetadata().getName(), rs);
            return rs;
        }

        @Override
        public void delete(ReplicaSet rs) {
            sets.remove(rs.getMetadata().getName());
        }

        @Override
        public void updateStatus(Deployment d) {
            statusUpdates.add(d);
        }

        @Override
        public void updateDeployment(Deployment d) {
        }
    }

    static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().build();
    }

    static IntOrString v(String s) {
        return s.endsWith("%") ? new IntOrString(s) : new IntOrString(Integer.parseInt(s));
    }

    static Deployment deployment(int replicas, String strategy, String surge, String unavailable) {
        DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("ns")
                .withUid("d-1").withGeneration(2L).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withTemplate(template("v2")).withNewStrategy().withType(strategy).endStrategy().endSpec();
        Deployment d = b.build();
        if (strategy.equals("RollingUpdate")) {
            d.getSpec().getStrategy().setRollingUpdate(new io.fabric8.kubernetes.api.model.apps.RollingUpdateDeploymentBuilder()
                    .withMaxSurge(v(surge)).withMaxUnavailable(v(unavailable)).build());
        }
        return d;
    }

    static ReplicaSet rs(Deployment d, String name, String image, int replicas, int available, int revision,
            String created) {
        PodTemplateSpec t = new PodTemplateSpecBuilder(template(image)).editMetadata()
                .addToLabels(PodTemplateHash.LABEL, name).endMetadata().build();
        return new ReplicaSetBuilder().withNewMetadata().withName("web-" + name).withNamespace("ns").withUid(name)
                .withCreationTimestamp(created).withGeneration(1L)
                .addToAnnotations(Rollout.REVISION, Integer.toString(revision))
                .withOwnerReferences(Owners.controllerRef(d, "apps/v1", "Deployment")).endMetadata()
                .withNewSpec().withReplicas(replicas).withTemplate(t).endSpec()
                .withNewStatus().withReplicas(replicas).withAvailableReplicas(available).withReadyReplicas(available)
                .withObservedGeneration(1L).endStatus().build();
    }

    /** Replica counts after one step: the old (v1) and new (v2) ReplicaSet's spec.replicas, -1 when absent. */
    static int[] step(Deployment d, int oldReplicas, int oldAvailable, int newReplicas, int newAvailable,
            boolean oldPodsExist) {
        FakeControl api = new FakeControl();
        List<ReplicaSet> owned = new ArrayList<>();
        if (oldReplicas >= 0) {
            owned.add(rs(d, "old", "v1", oldReplicas, oldAvailable, 1, "2025-01-01T00:00:00Z"));
        }
        if (newReplicas >= 0) {
            owned.add(rs(d, "new", "v2", newReplicas, newAvailable, 2, "2025-06-01T00:00:00Z"));
        }
        Rollout r = new Rollout(d, owned, api, NOW, rs -> oldPodsExist);
        r.run();
        int o = -1;
        int n = -1;
        for (ReplicaSet x : r.replicaSets()) {
            String image = x.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            if (image.equals("v1")) {
                o = x.getSpec().getReplicas();
            } else {
                n = x.getSpec().getReplicas();
            }
        }
        return new int[] {o, n};
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, replicas, surge, unavailable, old, oldAvail, new, newAvail -> old, new (-1: no such RS)
        "first step creates the new RS at the surge,      3, 1, 0, 3, 3, -1, 0, 3, 1",
        "new pods not available yet: wait,                3, 1, 0, 3, 3, 1, 0, 3, 1",
        "a new pod is available: old scales down by one,  3, 1, 0, 3, 3, 1, 1, 2, 1",
        "old shrank: new grows into the room,             3, 1, 0, 2, 2, 1, 1, 2, 2",
        "no surge: old scales down first,                 3, 0, 1, 3, 3, -1, 0, 2, 0",
        "unavailable old pods are removed first,          3, 1, 1, 3, 1, 1, 0, 2, 1",
        "percentages: surge 3 and 2 may be unavailable,   10, 25%, 25%, 10, 10, -1, 0, 8, 3",
        "done: nothing to do,                             3, 1, 0, 0, 0, 3, 3, 0, 3",
        "scaling up a finished rollout,                   5, 25%, 25%, -1, 0, 3, 3, -1, 5",
        "scaling down a finished rollout,                 2, 25%, 25%, -1, 0, 3, 3, -1, 2",
    })
    void rollingUpdateStep(String name, int replicas, String surge, String unavailable, int old, int oldAvail,
            int neu, int newAvail, int wantOld, int wantNew) {
        int[] got = step(deployment(replicas, "RollingUpdate", surge, unavailable), old, oldAvail, neu, newAvail,
                false);
        assertEquals(wantOld, got[0], name + ": old");
        assertEquals(wantNew, got[1], name + ": new");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "old scaled to zero first,                 3, 3, -1, true, 0, -1",
        "old pods still terminating: wait,          0, 0, -1, true, 0, -1",
        "old pods gone: new created at full size,   0, 0, -1, false, 0, 3",
    })
    void recreateStep(String name, int old, int oldAvail, int neu, boolean podsExist, int wantOld, int wantNew) {
        int[] got = step(deployment(3, "Recreate", null, null), old, oldAvail, neu, 0, podsExist);
        assertEquals(wantOld, got[0], name + ": old");
        assertEquals(wantNew, got[1], name + ": new");
    }

    @Test
    void newReplicaSetCarriesHashRevisionAndReplicaAnnotations() {
        Deployment d = deployment(3, "RollingUpdate", "1", "0");
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(1L)
                .withReplicas(3).withUpdatedReplicas(3).withReadyReplicas(3).withAvailableReplicas(3).build());
        FakeControl api = new FakeControl();
        new Rollout(d, List.of(rs(d, "old", "v1", 3, 3, 4, "2025-01-01T00:00:00Z")), api, NOW, x -> false).run();
        ReplicaSet created = api.sets.values().stream().filter(x -> !x.getMetadata().getName().equals("web-old"))
                .findFirst().orElseThrow();
        String hash = PodTemplateHash.compute(d.getSpec().getTemplate(), null);
        assertEquals("web-" + hash, created.getMetadata().getName());
        assertEquals(hash, created.getMetadata().getLabels().get(PodTemplateHash.LABEL));
        assertEquals(hash, created.getSpec().getSelector().getMatchLabels().get(PodTemplateHash.LABEL));
        assertEquals("web", created.getSpec().getSelector().getMatchLabels().get("app"));
        assertEquals("5", created.getMetadata().getAnnotations().get(Rollout.REVISION));
        assertEquals("3", created.getMetadata().getAnnotations().get(Rollout.DESIRED_REPLICAS));
        assertEquals("4", created.getMetadata().getAnnotations().get(Rollout.MAX_REPLICAS));
        DeploymentCondition p = condition(api.statusUpdates.get(api.statusUpdates.size() - 1), "Progressing");
        assertEquals("NewReplicaSetCreated", p.getReason());
        assertEquals("Created new replica set \"web-" + hash + "\"", p.getMessage());
    }

    @Test
    void completeRolloutReportsWhatRolloutStatusReads() {
        Deployment d = deployment(3, "RollingUpdate", "1", "0");
        FakeControl api = new FakeControl();
        new Rollout(d, List.of(rs(d, "new", "v2", 3, 3, 1, "2025-01-01T00:00:00Z")), api, NOW, x -> false).run();
        Deployment updated = api.statusUpdates.get(0);
        var s = updated.getStatus();
        assertEquals(2L, s.getObservedGeneration());
        assertEquals(3, s.getReplicas());
        assertEquals(3, s.getUpdatedReplicas());
        assertEquals(3, s.getAvailableReplicas());
        assertEquals(3, s.getReadyReplicas());
        assertNull(s.getUnavailableReplicas() == null || s.getUnavailableReplicas() == 0 ? null : s.getUnavailableReplicas());
        assertEquals("MinimumReplicasAvailable", condition(updated, "Available").getReason());
        DeploymentCondition p = condition(updated, "Progressing");
        assertEquals("NewReplicaSetAvailable", p.getReason());
        assertEquals("ReplicaSet \"web-new\" has successfully progressed.", p.getMessage());
    }

    @Test
    void oldReplicaSetsBeyondTheHistoryLimitAreDeleted() {
        Deployment d = new DeploymentBuilder(deployment(1, "RollingUpdate", "1", "0")).editSpec()
                .withRevisionHistoryLimit(1).endSpec().build();
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(2L)
                .withReplicas(1).withUpdatedReplicas(1).withAvailableReplicas(1).build());
        FakeControl api = new FakeControl();
        List<ReplicaSet> owned = List.of(rs(d, "a", "v0", 0, 0, 1, "2025-01-01T00:00:00Z"),
                rs(d, "b", "v1", 0, 0, 2, "2025-02-01T00:00:00Z"), rs(d, "c", "v2", 1, 1, 3, "2025-03-01T00:00:00Z"));
        owned.forEach(x -> api.sets.put(x.getMetadata().getName(), x));
        new Rollout(d, owned, api, NOW, x -> false).run();
        assertNull(api.sets.get("web-a"));
        assertNotNull(api.sets.get("web-b"));
        assertNotNull(api.sets.get("web-c"));
    }

    static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }
}
