package io.kybernetes.controllers.nodeipam;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;

/** The node IPAM controller against the mock API server. */
class RangeAllocatorTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    MockApi api;
    ControllerManager.Running controllers;

    @BeforeEach
    void api() {
        api = new MockApi();
    }

    @AfterEach
    void stop() {
        if (controllers != null) {
            controllers.stop();
        }
        api.close();
    }

    void start(String clusterCidr) {
        controllers = ControllerManager.start(api.client, List.of("nodeipam"), 1, List.of(),
                ControllerManager.HpaSettings.DEFAULT, new RangeAllocator.Settings(true, clusterCidr, 24, ""),
                ControllerManager.StorageSettings.DEFAULT);
    }

    void node(String name, String podCidr) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec();
        if (podCidr != null) {
            b.editSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec();
        }
        api.client.nodes().resource(b.build()).create();
    }

    Map<String, String> cidrs() {
        Map<String, String> m = new TreeMap<>();
        for (Node n : api.client.nodes().list().getItems()) {
            String c = n.getSpec().getPodCIDR();
            List<String> cs = n.getSpec().getPodCIDRs();
            m.put(n.getMetadata().getName(), c == null ? "-" : c + (cs != null && cs.equals(List.of(c)) ? "" : "!"));
        }
        return m;
    }

    @Test
    void existingSubnetsAreRecoveredThenNewNodesGetTheNextFreeOnesAndADeletedNodesSubnetIsReused() {
        node("a", "10.244.0.0/24");
        node("b", "10.244.2.0/24");
        node("c", null);
        start("10.244.0.0/22");
        await().atMost(WAIT).untilAsserted(() -> assertEquals(
                Map.of("a", "10.244.0.0/24", "b", "10.244.2.0/24", "c", "10.244.1.0/24"), cidrs()));
        node("d", null);
        await().atMost(WAIT).untilAsserted(() -> assertEquals("10.244.3.0/24", cidrs().get("d")));
        node("e", null);
        await().atMost(WAIT).until(() -> api.client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(ev -> ev.getReason().equals("CIDRNotAvailable")
                        && ev.getInvolvedObject().getName().equals("e")
                        && ev.getMessage().equals("Node e status is now: CIDRNotAvailable")));
        assertEquals("-", cidrs().get("e"));
        api.client.nodes().withName("b").delete();
        await().atMost(WAIT).untilAsserted(() -> assertEquals("10.244.2.0/24", cidrs().get("e")));
    }

    @Test
    void withoutAllocateNodeCidrsNothingIsAllocated() throws InterruptedException {
        controllers = ControllerManager.start(api.client, List.of("nodeipam"), 1, List.of(),
                ControllerManager.HpaSettings.DEFAULT, RangeAllocator.Settings.DISABLED,
                ControllerManager.StorageSettings.DEFAULT);
        node("a", null);
        assertEquals(List.of(), controllers.controllers().stream().filter(c -> c.name().equals("nodeipam"))
                .toList());
        Thread.sleep(1000);
        assertEquals(Map.of("a", "-"), cidrs());
    }
}
