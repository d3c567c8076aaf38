package io.kybernetes.kubelet;

import static io.kybernetes.kubelet.KubeletIntegrationTest.NODE;
import static io.kybernetes.kubelet.KubeletIntegrationTest.NS;
import static io.kybernetes.kubelet.KubeletIntegrationTest.await;
import static io.kybernetes.kubelet.KubeletIntegrationTest.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.eviction.EvictionManager;
import io.kybernetes.kubelet.eviction.HostStats;
import io.kybernetes.kubelet.eviction.Observation;
import io.kybernetes.kubelet.eviction.PodUsage;
import io.kybernetes.kubelet.eviction.Signal;
import io.kybernetes.kubelet.eviction.StatsSource;
import io.kybernetes.kubelet.eviction.Thresholds;

/**
 * The eviction manager inside a kubelet on a real containerd (private fixture) and fabric8's mock API server: an
 * emptyDir written past its sizeLimit (measured on disk) gets its pod stopped and reported Failed/Evicted; under
 * memory pressure (one low reading of the node's memory; the pods' usage is real) the BestEffort pod is evicted with
 * the DisruptionTarget condition while the Guaranteed pod keeps running, and the node reports MemoryPressure for the
 * pressure-transition period.
 */
@ExtendWith(CriFixture.class)
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvictionIntegrationTest {

    static KubernetesClient client;
    static CriClient cri;
    static Kubelet kubelet;
    static volatile boolean memoryPressure;

    @BeforeAll
    static void startKubelet() {
        cri = new CriClient(CriFixture.socket());
        Kubelet.Settings s = KubeletIntegrationTest.settings();
        s.evictionInterval = Duration.ofSeconds(1);
        s.eviction = new EvictionManager.Config(Thresholds.parse(Thresholds.DEFAULT_HARD, "", "", ""),
                Duration.ofSeconds(6), 0);
        HostStats host = new HostStats(cri, CriFixture.DIR.resolve("kubelet"), CriFixture.DIR.resolve("pods"));
        s.evictionStats = new StatsSource() {
            @Override
            public Map<Signal, Observation> node() {
                Map<Signal, Observation> m = new EnumMap<>(host.node());
                if (memoryPressure) {
                    memoryPressure = false; // one low reading: one pass sees pressure, so it evicts one pod
                    m.put(Signal.MEMORY_AVAILABLE, new Observation(50L << 20, 16L << 30));
                }
                return m;
            }

            @Override
            public Map<String, PodUsage> pods(List<Pod> pods) {
                return host.pods(pods);
            }
        };
        kubelet = new Kubelet(client, cri, NODE, "127.0.0.1", "10.245.0.0/24", 10250, CriFixture.DIR.resolve("kubelet"),
                CriFixture.DIR.resolve("pods"), s);
        kubelet.start();
    }

    @AfterAll
    static void stopKubelet() {
        for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
            client.pods().inNamespace(NS).resource(p).withGracePeriod(0).delete();
        }
        await("pods cleaned up", () -> cri.listPodSandboxes(Map.of()).size(), n -> n == 0);
        kubelet.close();
        cri.close();
    }

    private static Pod get(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    private static PodCondition condition(Pod p, String type) {
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    @Test
    @Order(1)
    void emptyDirOverItsSizeLimitIsEvicted() {
        Pod hog = pod("hog", "Always", "dd if=/dev/zero of=/data/fill bs=1024 count=4096; exec sleep 3600");
        hog.getSpec().getContainers().get(0).setVolumeMounts(List.of(
                new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("data").withMountPath("/data").build()));
        hog.getSpec().setVolumes(List.of(new VolumeBuilder().withName("data").withNewEmptyDir()
                .withSizeLimit(new Quantity("1Mi")).endEmptyDir().build()));
        client.pods().inNamespace(NS).resource(hog).create();
        Pod p = await("hog evicted", () -> get("hog"), x -> x.getStatus() != null && "Failed".equals(x.getStatus().getPhase()));
        assertEquals("Evicted", p.getStatus().getReason());
        assertEquals("Usage of EmptyDir volume \"data\" exceeds the limit \"1Mi\". ", p.getStatus().getMessage());
        assertNull(condition(p, "DisruptionTarget"), "upstream sets no condition for limit evictions");
        assertEquals("False", condition(p, "Ready").getStatus());
        var terminated = p.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertTrue(terminated != null && terminated.getExitCode() == 137, p.getStatus().getContainerStatuses().toString());
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream().anyMatch(e -> "Evicted"
                .equals(e.getReason()) && "hog".equals(e.getInvolvedObject().getName())
                && "Warning".equals(e.getType())));
        // stays evicted: nothing restarts it
        await("hog stays stopped", () -> get("hog"), x -> "Failed".equals(x.getStatus().getPhase())
                && x.getStatus().getContainerStatuses().get(0).getState().getRunning() == null);
    }

    @Test
    @Order(2)
    void memoryPressureEvictsTheBestEffortPodFirst() {
        Pod guaranteed = pod("guaranteed", "Always", "exec sleep 3600");
        guaranteed.getSpec().getContainers().get(0).setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToLimits("memory", new Quantity("64Mi")).addToLimits("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("64Mi")).addToRequests("cpu", new Quantity("100m")).build());
        Pod bestEffort = pod("besteffort", "Always", "exec sleep 3600");
        client.pods().inNamespace(NS).resource(guaranteed).create();
        client.pods().inNamespace(NS).resource(bestEffort).create();
        for (String name : List.of("guaranteed", "besteffort")) {
            await(name + " running", () -> get(name), x -> x.getStatus() != null && "Running".equals(x.getStatus().getPhase()));
        }
        memoryPressure = true;
        Pod p = await("besteffort evicted", () -> get("besteffort"),
                x -> "Failed".equals(x.getStatus().getPhase()));
        assertEquals("Evicted", p.getStatus().getReason());
        assertTrue(p.getStatus().getMessage().startsWith("The node was low on resource: memory. Threshold quantity: "
                + "100Mi, available: 50Mi. Container app was using "), p.getStatus().getMessage());
        assertTrue(p.getStatus().getMessage().endsWith(", request is 0, has larger consumption of memory. "),
                p.getStatus().getMessage());
        PodCondition disruption = condition(p, "DisruptionTarget");
        assertEquals("True", disruption.getStatus());
        assertEquals("TerminationByKubelet", disruption.getReason());
        await("MemoryPressure", () -> client.nodes().withName(NODE).get(), n -> n.getStatus().getConditions().stream()
                .anyMatch(c -> "MemoryPressure".equals(c.getType()) && "True".equals(c.getStatus())));
        // one pod per pass: the guaranteed pod was next in line, but the next reading showed no pressure
        assertEquals(false, memoryPressure);
        await("MemoryPressure over after the transition period", () -> client.nodes().withName(NODE).get(),
                n -> n.getStatus().getConditions().stream()
                        .anyMatch(c -> "MemoryPressure".equals(c.getType()) && "False".equals(c.getStatus())));
        assertEquals("Running", get("guaranteed").getStatus().getPhase());
    }
}
