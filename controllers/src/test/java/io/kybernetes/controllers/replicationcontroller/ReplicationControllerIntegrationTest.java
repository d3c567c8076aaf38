package io.kybernetes.controllers.replicationcontroller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.MockApi;

class ReplicationControllerIntegrationTest {

    MockApi api;
    ControllerManager.Running controllers;
    FakeKubelet kubelet;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("replicationcontroller"), 2, List.of());
        kubelet = new FakeKubelet(api.client);
    }

    @AfterEach
    void stop() {
        kubelet.close();
        controllers.stop();
        api.close();
    }

    List<Pod> pods() {
        return api.client.pods().inNamespace("default").withLabel("app", "old").list().getItems();
    }

    @Test
    void keepsReplicasWithTheTemplateLabelsAsDefaultSelector() {
        api.client.replicationControllers().inNamespace("default").resource(new ReplicationControllerBuilder()
                .withNewMetadata().withName("old").endMetadata().withNewSpec().withReplicas(3).withNewTemplate()
                .withNewMetadata().addToLabels("app", "old").endMetadata().withNewSpec().addNewContainer()
                .withName("c").withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(3, pods().size());
            ReplicationController rc = api.client.replicationControllers().inNamespace("default").withName("old")
                    .get();
            assertEquals(3, rc.getStatus().getReadyReplicas());
            Pod p = pods().get(0);
            assertEquals("ReplicationController", p.getMetadata().getOwnerReferences().get(0).getKind());
            assertEquals("v1", p.getMetadata().getOwnerReferences().get(0).getApiVersion());
            assertEquals("old-", p.getMetadata().getGenerateName());
        });
        api.client.replicationControllers().inNamespace("default").withName("old").scale(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1, pods().size()));
    }
}
