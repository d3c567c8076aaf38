package io.kybernetes.controllers.deployment;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.ControllersIntegrationTest;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.MockApi;

/** What `kubectl rollout undo` does (patch the template of an older revision's ReplicaSet back in). */
class RolloutUndoIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(40);
    MockApi api;
    ControllerManager.Running controllers;
    FakeKubelet kubelet;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("deployment", "replicaset"), 2, List.of());
        kubelet = new FakeKubelet(api.client);
    }

    @AfterEach
    void stop() {
        kubelet.close();
        controllers.stop();
        api.close();
    }

    Deployment d() {
        return api.client.apps().deployments().inNamespace("default").withName("web").get();
    }

    Map<String, String> revisionsByImage() {
        return api.client.apps().replicaSets().inNamespace("default").list().getItems().stream().collect(
                Collectors.toMap(r -> r.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                        r -> r.getMetadata().getAnnotations().get(Rollout.REVISION) + "/" + r.getSpec().getReplicas()));
    }

    @Test
    void undoBringsBackTheOldReplicaSetAsTheNewestRevision() {
        api.client.apps().deployments().inNamespace("default").resource(ControllersIntegrationTest.web(2, "nginx:1"))
                .create();
        await().atMost(WAIT).until(() -> ControllersIntegrationTest.rolledOut(d()));
        api.client.apps().deployments().inNamespace("default").withName("web").edit(x -> new DeploymentBuilder(x)
                .editSpec().editTemplate().editSpec().editFirstContainer().withImage("nginx:2").endContainer()
                .endSpec().endTemplate().endSpec().build());
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Map.of("nginx:1", "1/0", "nginx:2", "2/2"), revisionsByImage());
            assertTrue(ControllersIntegrationTest.rolledOut(d()));
        });
        // kubectl rollout undo: revision 1's template (without pod-template-hash) becomes the Deployment's.
        ReplicaSet old = api.client.apps().replicaSets().inNamespace("default").list().getItems().stream()
                .filter(r -> "1".equals(r.getMetadata().getAnnotations().get(Rollout.REVISION))).findFirst().get();
        var template = new PodTemplateSpecBuilder(old.getSpec().getTemplate()).editMetadata()
                .removeFromLabels(PodTemplateHash.LABEL).endMetadata().build();
        api.client.apps().deployments().inNamespace("default").withName("web").edit(x -> new DeploymentBuilder(x)
                .editSpec().withTemplate(template).endSpec().build());
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Map.of("nginx:1", "3/2", "nginx:2", "2/0"), revisionsByImage());
            assertEquals("3", d().getMetadata().getAnnotations().get(Rollout.REVISION));
            assertTrue(ControllersIntegrationTest.rolledOut(d()));
        });
        assertEquals(2, api.client.apps().replicaSets().inNamespace("default").list().getItems().size(),
                "no new ReplicaSet for an old template");
    }
}
