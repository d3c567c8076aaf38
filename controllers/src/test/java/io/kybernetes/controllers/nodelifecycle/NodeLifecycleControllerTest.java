package io.kybernetes.controllers.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Informers;

/** A node whose kubelet goes silent: Unknown and tainted after 40 s, pods evicted after their toleration. */
class NodeLifecycleControllerTest {

    final MockApi api = new MockApi();
    final Informers informers = new Informers(api.client);
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T10:00:00Z"));
    final NodeLifecycleController controller = new NodeLifecycleController(informers, api.client, new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }, 1);

    @AfterEach
    void close() {
        informers.stop();
        api.close();
    }

    Node node() {
        return api.client.nodes().withName("n1").get();
    }

    List<Taint> taints() {
        Node n = node();
        return n.getSpec() == null || n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
    }

    @Test
    void silentNodeBecomesUnknownTaintedAndItsPodsAreEvicted() throws Exception {
        api.client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewSpec()
                .endSpec().withNewStatus().addNewCondition().withType("Ready").withStatus("True")
                .withLastHeartbeatTime("2026-11-24T10:00:00Z").endCondition().endStatus().build()).create();
        // "tolerant" has no toleration: it gets the default 300 s; "intolerant" tolerates for 0 s.
        for (String name : List.of("tolerant", "intolerant")) {
            PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                    .withNewSpec().withNodeName("n1").endSpec();
            if (name.equals("intolerant")) {
                b.editSpec().addNewToleration().withKey(Taints.UNREACHABLE).withOperator("Exists")
                        .withEffect("NoExecute").withTolerationSeconds(0L).endToleration().endSpec();
            }
            api.client.pods().resource(b.build()).create();
        }
        informers.start().get(10, TimeUnit.SECONDS);

        controller.reconcile("n1");
        assertEquals(List.of(), taints(), "a fresh node is healthy");
        now.set(now.get().plusSeconds(41));
        controller.reconcile("n1");
        assertEquals("Unknown", NodeLifecycleController.condition(node(), "Ready").getStatus());
        assertEquals("NodeStatusUnknown", NodeLifecycleController.condition(node(), "Ready").getReason());
        assertEquals(List.of(Taints.UNREACHABLE), taints().stream().map(Taint::getKey).toList());
        // The taint reaches the cache; the untolerating pod goes at once, the other after 300 s.
        Awaitility.await().until(() -> informers.of(Node.class).getIndexer().getByKey("n1").getSpec().getTaints()
                != null);
        controller.reconcile("n1");
        assertNull(api.client.pods().inNamespace("default").withName("intolerant").get());
        assertNotNull(api.client.pods().inNamespace("default").withName("tolerant").get());
        now.set(now.get().plusSeconds(301));
        controller.reconcile("n1");
        assertNull(api.client.pods().inNamespace("default").withName("tolerant").get());
    }
}
