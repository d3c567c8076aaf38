package io.kybernetes.controllers.disruption;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.Times;

/** The disruption controller against the mock API server: a Deployment's pods under budgets. */
class DisruptionControllerTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    MockApi api;
    ControllerManager.Running controllers;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("disruption"), 1, List.of());
    }

    @AfterEach
    void stop() {
        controllers.stop();
        api.close();
    }

    /** A Deployment of {@code replicas} whose ReplicaSet has {@code ready} Ready pods labelled app=web. */
    void deployment(int replicas, int ready) {
        Deployment d = api.client.apps().deployments().inNamespace("ns").resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").endMetadata().withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
        ReplicaSet rs = api.client.apps().replicaSets().inNamespace("ns").resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("web-1").addToOwnerReferences(Owners.controllerRef(d, "apps/v1",
                        "Deployment")).endMetadata().withNewSpec().withReplicas(replicas).withNewSelector()
                .addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
        for (int i = 0; i < ready; i++) {
            api.client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName("web-" + i)
                    .addToLabels("app", "web").addToOwnerReferences(Owners.controllerRef(rs, "apps/v1",
                            "ReplicaSet")).endMetadata().withNewSpec().endSpec().withNewStatus()
                    .withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .endStatus().build()).create();
        }
    }

    PodDisruptionBudget budget(String name, IntOrString minAvailable, IntOrString maxUnavailable) {
        return api.client.policy().v1().podDisruptionBudget().inNamespace("ns").resource(
                new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                        .withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable).withNewSelector()
                        .addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
    }

    PodDisruptionBudget get(String name) {
        return api.client.policy().v1().podDisruptionBudget().inNamespace("ns").withName(name).get();
    }

    static String figures(PodDisruptionBudget pdb) {
        PodDisruptionBudgetStatus s = pdb.getStatus();
        return s == null ? "" : s.getExpectedPods() + "/" + s.getDesiredHealthy() + "/" + s.getCurrentHealthy()
                + "/" + s.getDisruptionsAllowed();
    }

    static Condition condition(PodDisruptionBudget pdb) {
        assertNotNull(pdb.getStatus(), "a status");
        assertNotNull(pdb.getStatus().getConditions(), "conditions");
        return pdb.getStatus().getConditions().stream().filter(c -> c.getType().equals("DisruptionAllowed"))
                .findFirst().orElseThrow(() -> new AssertionError("no DisruptionAllowed condition"));
    }

    @Test
    void minAvailableOfADeploymentOfThreeAllowsOneDisruptionThenNoneWhenAPodIsNotReady() {
        deployment(3, 3);
        budget("min2", new IntOrString(2), null);
        await().atMost(WAIT).untilAsserted(() -> assertEquals("3/2/3/1", figures(get("min2"))));
        PodDisruptionBudget pdb = get("min2");
        long generation = pdb.getMetadata().getGeneration() == null ? 0 : pdb.getMetadata().getGeneration();
        assertEquals(generation, pdb.getStatus().getObservedGeneration());
        Condition c = condition(pdb);
        assertEquals("True", c.getStatus());
        assertEquals("SufficientPods", c.getReason());
        assertEquals(generation, c.getObservedGeneration());
        assertNotNull(c.getLastTransitionTime());

        api.client.pods().inNamespace("ns").withName("web-0").editStatus(p -> new PodBuilder(p).editStatus()
                .editFirstCondition().withStatus("False").endCondition().endStatus().build());
        await().atMost(WAIT).untilAsserted(() -> assertEquals("3/2/2/0", figures(get("min2"))));
        assertEquals("False", condition(get("min2")).getStatus());
        assertEquals("InsufficientPods", condition(get("min2")).getReason());
    }

    @Test
    void percentagesCountTheDeploymentsScaleNotThePodsThatExist() {
        deployment(4, 3); // one pod missing: the percentages are of the Deployment's 4 replicas
        budget("max", null, new IntOrString("50%"));
        await().atMost(WAIT).untilAsserted(() -> assertEquals("4/2/3/1", figures(get("max"))));
    }

    @Test
    void aPodOfAnUnknownControllerFailsSafe() {
        api.client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName("odd")
                .addToLabels("app", "web").addNewOwnerReference().withApiVersion("example.com/v1").withKind("Thing")
                .withName("t").withUid("u1").withController(true).endOwnerReference().endMetadata().withNewSpec()
                .endSpec().withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build()).create();
        budget("pct", new IntOrString("50%"), null);
        await().atMost(WAIT).untilAsserted(() -> {
            Condition c = condition(get("pct"));
            assertEquals("SyncFailed", c.getReason());
            assertEquals("found no controllers for pod \"odd\"", c.getMessage());
        });
        assertEquals(0, get("pct").getStatus().getDisruptionsAllowed());
    }

    @Test
    void aDisruptionTargetConditionTwoMinutesOldOnAPodNotDeletedIsSetBackToFalse() {
        String old = Times.format(Instant.now().minusSeconds(150));
        String recent = Times.format(Instant.now().minusSeconds(10));
        for (String[] p : new String[][] {{"stale", old}, {"fresh", recent}}) {
            api.client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName(p[0])
                    .endMetadata().withNewSpec().endSpec().withNewStatus().withPhase("Running").addNewCondition()
                    .withType("DisruptionTarget").withStatus("True").withReason("PreemptionByScheduler")
                    .withLastTransitionTime(p[1]).endCondition().endStatus().build()).create();
        }
        await().atMost(WAIT).untilAsserted(() -> assertEquals("False", target("stale")));
        assertEquals("True", target("fresh"), "a recent condition stays until it is 2 minutes old");
    }

    String target(String pod) {
        return api.client.pods().inNamespace("ns").withName(pod).get().getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("DisruptionTarget")).findFirst().orElseThrow().getStatus();
    }

    @Test
    void evictionsOlderThanTwoMinutesLeaveDisruptedPods() {
        deployment(3, 3);
        budget("min1", new IntOrString(1), null);
        await().atMost(WAIT).untilAsserted(() -> assertEquals("3/1/3/2", figures(get("min1"))));
        // as two evictions would record them (the mock API server does not check resourceVersions)
        PodDisruptionBudget pdb = get("min1");
        String recent = Times.format(Instant.now().minusSeconds(20));
        pdb.getStatus().setDisruptionsAllowed(0);
        pdb.getStatus().getDisruptedPods().put("web-0", Times.format(Instant.now().minusSeconds(180)));
        pdb.getStatus().getDisruptedPods().put("web-1", recent);
        api.client.policy().v1().podDisruptionBudget().inNamespace("ns").resource(pdb).updateStatus();
        await().atMost(WAIT).untilAsserted(() -> {
            PodDisruptionBudget now = get("min1");
            assertEquals(java.util.Map.of("web-1", recent), now.getStatus().getDisruptedPods());
            assertEquals("3/1/2/1", figures(now), "web-1 (evicted 20 s ago) is not counted as healthy");
        });
        Pod p = api.client.pods().inNamespace("ns").withName("web-0").get();
        assertNull(p.getMetadata().getDeletionTimestamp());
        await().atMost(WAIT).until(() -> api.client.v1().events().inNamespace("ns").list().getItems().stream()
                .anyMatch(e -> e.getReason().equals("NotDeleted") && e.getInvolvedObject().getName().equals("web-0")));
    }
}
