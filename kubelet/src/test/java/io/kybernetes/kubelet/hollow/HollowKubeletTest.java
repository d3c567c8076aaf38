package io.kybernetes.kubelet.hollow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/** The hollow fleet against fabric8's mock API server (CRUD mode): nodes, leases, and a pod reported Running. */
@EnableKubernetesMockClient(crud = true)
class HollowKubeletTest {

    KubernetesClient client;
    private HollowKubelet hollow;

    @AfterEach
    void stop() {
        if (hollow != null) {
            hollow.close();
        }
    }

    private static <T> T eventually(Supplier<T> value, java.util.function.Predicate<T> ok) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        T last = value.get();
        while (!ok.test(last) && System.nanoTime() < end) {
            Thread.sleep(100);
            last = value.get();
        }
        return last;
    }

    @Test
    void registersTheFleetAndRunsABoundPod() throws Exception {
        HollowFleet fleet = new HollowFleet("hollow-", 3, 2, 4, 32L << 20);
        // a second client: the kubelet closes its own on shutdown
        KubernetesClient own = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(client.getConfiguration()).build();
        hollow = new HollowKubelet(own, fleet, new HollowKubelet.Settings(Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMillis(50), 4), Clock.systemUTC());
        hollow.start();

        assertEquals(3, client.nodes().list().getItems().size());
        Node n1 = client.nodes().withName("hollow-1").get();
        assertEquals("zone-1", n1.getMetadata().getLabels().get("topology.kubernetes.io/zone"));
        assertEquals("100.64.1.0/24", n1.getSpec().getPodCIDR());
        assertEquals("4", n1.getStatus().getCapacity().get("cpu").getAmount());
        assertTrue(n1.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
        var lease = client.leases().inNamespace("kube-node-lease").withName("hollow-2").get();
        assertNotNull(lease);
        String firstRenew = String.valueOf(lease.getSpec().getRenewTime());
        assertTrue(eventually(() -> String.valueOf(client.leases().inNamespace("kube-node-lease").withName("hollow-2")
                .get().getSpec().getRenewTime()), r -> !r.equals(firstRenew)) != null);

        eventually(hollow::podsSynced, s -> s);
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p")
                .withNamespace("default").withUid("uid-p").endMetadata().withNewSpec().withNodeName("hollow-1")
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("other")
                .withNamespace("default").endMetadata().withNewSpec().withNodeName("elsewhere")
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
        Pod running = eventually(() -> client.pods().inNamespace("default").withName("p").get(),
                p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        assertEquals("Running", running.getStatus().getPhase());
        assertEquals("100.64.1.1", running.getStatus().getPodIP());
        assertEquals("198.18.0.2", running.getStatus().getHostIP());
        Thread.sleep(300);
        Pod other = client.pods().inNamespace("default").withName("other").get();
        assertTrue(other.getStatus() == null || other.getStatus().getPhase() == null,
                "a pod of another node is left alone");
    }

    @Test
    void aNegativeStartDelayLeavesBoundPodsAlone() throws Exception {
        HollowFleet fleet = new HollowFleet("hollow-", 2, 1, 4, 32L << 20);
        KubernetesClient own = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(client.getConfiguration()).build();
        hollow = new HollowKubelet(own, fleet, new HollowKubelet.Settings(Duration.ofSeconds(10),
                Duration.ofMinutes(5), Duration.ofSeconds(-1), 4), Clock.systemUTC());
        hollow.start();

        assertEquals(2, client.nodes().list().getItems().size());
        assertTrue(hollow.podsSynced(), "nothing to sync without a pod watch");
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p")
                .withNamespace("default").withUid("uid-p").endMetadata().withNewSpec().withNodeName("hollow-1")
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
        Thread.sleep(500);
        Pod p = client.pods().inNamespace("default").withName("p").get();
        assertTrue(p.getStatus() == null || p.getStatus().getPhase() == null, "the bound pod is left alone");
        assertEquals(0, hollow.podsStarted());
    }
}
