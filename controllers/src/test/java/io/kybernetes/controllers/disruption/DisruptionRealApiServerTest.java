package io.kybernetes.controllers.disruption;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.realapi.RealApiServer;

/**
 * The disruption controller and the real apiserver's eviction subresource agree: the controller's
 * disruptionsAllowed is what the eviction takes from, the eviction's disruptedPods entry keeps the evicted pod out
 * of the healthy count, and a second eviction is refused until the Deployment has replaced the pod.
 * Skipped when the apiserver jar has not been built.
 */
class DisruptionRealApiServerTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running controllers;
    static FakeKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        controllers = ControllerManager.start(client, List.of("deployment", "replicaset", "disruption"), 2,
                List.of());
        kubelet = new FakeKubelet(client, false);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pdb").endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        if (controllers != null) {
            controllers.stop();
        }
        if (api != null) {
            api.close();
        }
    }

    static PodDisruptionBudget pdb() {
        return client.policy().v1().podDisruptionBudget().inNamespace("pdb").withName("web").get();
    }

    static String figures() {
        PodDisruptionBudget p = pdb();
        return p.getStatus().getExpectedPods() + "/" + p.getStatus().getDesiredHealthy() + "/"
                + p.getStatus().getCurrentHealthy() + "/" + p.getStatus().getDisruptionsAllowed();
    }

    @Test
    void oneEvictionAtATimeUnderMinAvailableTwoOfThree() {
        client.apps().deployments().inNamespace("pdb").resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withReplicas(3).withNewSelector()
                .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        client.policy().v1().podDisruptionBudget().inNamespace("pdb").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("web").endMetadata().withNewSpec().withMinAvailable(new IntOrString(2))
                .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> assertEquals("3/2/3/1", figures()));
        assertEquals(pdb().getMetadata().getGeneration(), pdb().getStatus().getObservedGeneration());

        List<Pod> pods = client.pods().inNamespace("pdb").withLabel("app", "web").list().getItems();
        assertEquals(3, pods.size());
        kubelet.pause(); // the replacement stays not Ready, so the budget stays spent
        assertTrue(client.pods().inNamespace("pdb").withName(pods.get(0).getMetadata().getName()).evict(),
                "the first eviction is allowed");
        assertFalse(client.pods().inNamespace("pdb").withName(pods.get(1).getMetadata().getName()).evict(),
                "the second eviction is refused (429)");
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals("3/2/2/0", figures());
            assertEquals("InsufficientPods", pdb().getStatus().getConditions().get(0).getReason());
        });
        assertFalse(client.pods().inNamespace("pdb").withName(pods.get(1).getMetadata().getName()).evict(),
                "still refused once the controller has recomputed the status");
        assertNotNull(client.pods().inNamespace("pdb").withName(pods.get(1).getMetadata().getName()).get());

        kubelet.resume(); // the replacement becomes Ready: one disruption is allowed again
        await().atMost(WAIT).untilAsserted(() -> assertEquals("3/2/3/1", figures()));
        assertTrue(client.pods().inNamespace("pdb").withName(pods.get(1).getMetadata().getName()).evict());
    }
}
