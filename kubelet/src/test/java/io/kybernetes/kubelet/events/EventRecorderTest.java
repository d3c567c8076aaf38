package io.kybernetes.kubelet.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kybernetes.kubelet.node.NodeEvents;
import io.kybernetes.kubelet.pod.PodEvents;

/** Pod and Node events as `kubectl describe` finds them: involved object, source, type, reason, namespace. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

    KubernetesClient client;

    @Test
    void podAndNodeEventsArePostedWithTheirInvolvedObjects() throws Exception {
        var pod = new PodBuilder().withNewMetadata().withNamespace("shop").withName("web").withUid("u-1").endMetadata()
                .build();
        try (PodEvents pods = new PodEvents(client, "node-a"); NodeEvents nodes = new NodeEvents(client, "node-a")) {
            pods.warning(pod, "nginx", "BackOff", "Back-off restarting failed container");
            nodes.normal("NodeReady", "Node node-a status is now: NodeReady");
        }
        List<Event> shop = waitFor(() -> client.v1().events().inNamespace("shop").list().getItems());
        assertEquals(1, shop.size());
        Event e = shop.get(0);
        assertTrue(e.getMetadata().getName().startsWith("web."), e.getMetadata().getName());
        assertEquals("Pod", e.getInvolvedObject().getKind());
        assertEquals("u-1", e.getInvolvedObject().getUid());
        assertEquals("spec.containers{nginx}", e.getInvolvedObject().getFieldPath());
        assertEquals("Warning", e.getType());
        assertEquals("BackOff", e.getReason());
        assertEquals("kubelet", e.getSource().getComponent());
        assertEquals("node-a", e.getSource().getHost());
        List<Event> def = waitFor(() -> client.v1().events().inNamespace("default").list().getItems());
        assertEquals("Node", def.get(0).getInvolvedObject().getKind());
        assertEquals("node-a", def.get(0).getInvolvedObject().getUid());
        assertEquals("NodeReady", def.get(0).getReason());
    }

    private static List<Event> waitFor(java.util.function.Supplier<List<Event>> list) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Event> got = list.get();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            got = list.get();
        }
        return got;
    }
}
