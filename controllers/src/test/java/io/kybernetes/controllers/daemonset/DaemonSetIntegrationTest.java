package io.kybernetes.controllers.daemonset;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.revision.Revisions;

class DaemonSetIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(40);
    MockApi api;
    ControllerManager.Running controllers;
    FakeKubelet kubelet;

    @BeforeEach
    void start() {
        api = new MockApi();
        for (String n : List.of("n1", "n2")) {
            api.client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata().build())
                    .create();
        }
        api.client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu").endMetadata().withNewSpec()
                .addNewTaint().withKey("dedicated").withValue("gpu").withEffect("NoSchedule").endTaint().endSpec()
                .build()).create();
        controllers = ControllerManager.start(api.client, List.of("daemonset"), 2, List.of());
        kubelet = new FakeKubelet(api.client, false);
    }

    @AfterEach
    void stop() {
        kubelet.close();
        controllers.stop();
        api.close();
    }

    List<Pod> pods() {
        return api.client.pods().inNamespace("default").withLabel("app", "agent").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    DaemonSet ds() {
        return api.client.apps().daemonSets().inNamespace("default").withName("agent").get();
    }

    @Test
    void onePodPerUntaintedNodeThenRollingUpdate() {
        api.client.apps().daemonSets().inNamespace("default").resource(new DaemonSetBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "agent")
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("agent:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> nodes = pods().stream().map(DaemonSetController::targetNode).collect(Collectors.toSet());
            assertEquals(Set.of("n1", "n2"), nodes);
            assertEquals(2, pods().size());
            DaemonSet d = ds();
            assertEquals(2, d.getStatus().getDesiredNumberScheduled());
            assertEquals(2, d.getStatus().getNumberReady());
            assertEquals(2, d.getStatus().getUpdatedNumberScheduled());
        });
        Pod p = pods().get(0);
        assertTrue(p.getSpec().getTolerations().stream().anyMatch(t -> "node.kubernetes.io/not-ready"
                .equals(t.getKey()) && "NoExecute".equals(t.getEffect())));
        String hash1 = p.getMetadata().getLabels().get(Revisions.HASH_LABEL);
        assertEquals(1, api.client.resources(ControllerRevision.class).inNamespace("default").list().getItems()
                .size());

        api.client.apps().daemonSets().inNamespace("default").withName("agent").edit(d -> new DaemonSetBuilder(d)
                .editSpec().editTemplate().editSpec().editFirstContainer().withImage("agent:2").endContainer()
                .endSpec().endTemplate().endSpec().build());
        await().atMost(WAIT).untilAsserted(() -> {
            List<Pod> pods = pods();
            assertEquals(2, pods.size());
            assertTrue(pods.stream().allMatch(x -> x.getSpec().getContainers().get(0).getImage().equals("agent:2")));
            assertTrue(pods.stream().noneMatch(x -> hash1.equals(x.getMetadata().getLabels()
                    .get(Revisions.HASH_LABEL))));
            assertEquals(2, ds().getStatus().getUpdatedNumberScheduled());
        });
        List<ControllerRevision> revs = api.client.resources(ControllerRevision.class).inNamespace("default").list()
                .getItems();
        assertEquals(Set.of(1L, 2L), revs.stream().map(ControllerRevision::getRevision).collect(Collectors.toSet()));
    }
}
