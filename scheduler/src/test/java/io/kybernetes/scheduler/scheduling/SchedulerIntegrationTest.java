package io.kybernetes.scheduler.scheduling;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kybernetes.scheduler.SchedulerService;
import io.kybernetes.scheduler.cache.SchedulerCache;
import io.kybernetes.scheduler.plugins.Profiles;
import io.kybernetes.scheduler.queue.SchedulingQueue;

/** The scheduler against fabric8's CRUD mock API server: informers, binding, status and events over HTTP. */
class SchedulerIntegrationTest {

    KubernetesMockServer server;
    KubernetesClient client;
    Scheduler scheduler;
    SharedIndexInformer<?>[] informers;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new BindingCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.stop();
        }
        if (informers != null) {
            for (SharedIndexInformer<?> i : informers) {
                i.stop();
            }
        }
        client.close();
        server.destroy();
    }

    void startScheduler() {
        scheduler = new Scheduler("default-scheduler", new SchedulerCache(), new SchedulingQueue(),
                Profiles.defaults(new Random()), new KubeApiWriter(client, "default-scheduler"));
        informers = SchedulerService.start(client, scheduler);
    }

    Pod create(Pod p) {
        Pod copy = new PodBuilder(p).editMetadata().withUid(null).endMetadata().build();
        return client.pods().inNamespace("default").resource(copy).create();
    }

    String nodeOf(String pod) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        return p.getSpec().getNodeName();
    }

    @Test
    void podsLandOnTheNodesTheirConstraintsAllow() {
        Node a = new NodeBuilder(node("node-a", "2", "4Gi", 110)).editMetadata().addToLabels("disk", "ssd")
                .endMetadata().build();
        Node b = new NodeBuilder(node("node-b", "8", "16Gi", 110)).editSpec().addToTaints(new TaintBuilder()
                .withKey("dedicated").withValue("infra").withEffect("NoSchedule").build()).endSpec().build();
        client.nodes().resource(a).create();
        client.nodes().resource(b).create();
        startScheduler();

        Pod big = new PodBuilder(pod("big", "3", "1Gi")).editSpec().addToTolerations(new TolerationBuilder()
                .withKey("dedicated").withOperator("Equal").withValue("infra").withEffect("NoSchedule").build())
                .endSpec().build();
        create(big);
        create(new PodBuilder(pod("ssd", null, null)).editSpec().withNodeSelector(Map.of("disk", "ssd")).endSpec()
                .build());
        create(pod("plain", "500m", "256Mi"));
        create(pod("impossible", "16", null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertEquals("node-b", nodeOf("big"));
            assertEquals("node-a", nodeOf("ssd"));
            assertEquals("node-a", nodeOf("plain"));
        });

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Pod p = client.pods().inNamespace("default").withName("impossible").get();
            assertEquals(null, p.getSpec().getNodeName());
            PodCondition c = p.getStatus().getConditions().stream()
                    .filter(x -> x.getType().equals("PodScheduled")).findFirst().orElseThrow();
            assertEquals("False", c.getStatus());
            assertEquals("Unschedulable", c.getReason());
            assertEquals("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
                    + "{dedicated: infra}. preemption: 0/2 nodes are available: 1 No preemption victims found for "
                    + "incoming pod, 1 Preemption is not helpful for scheduling.", c.getMessage());
        });

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = client.v1().events().inNamespace("default").list().getItems();
            Map<String, List<String>> byPod = events.stream().collect(Collectors.groupingBy(
                    e -> e.getInvolvedObject().getName(), Collectors.mapping(Event::getReason, Collectors.toList())));
            assertEquals(List.of("FailedScheduling"), byPod.get("impossible"));
            assertEquals(List.of("Scheduled"), byPod.get("big"));
            Event scheduled = events.stream().filter(e -> e.getInvolvedObject().getName().equals("big")).findFirst()
                    .orElseThrow();
            assertEquals("Successfully assigned default/big to node-b", scheduled.getMessage());
            assertEquals("default-scheduler", scheduled.getSource().getComponent());
            assertEquals("Pod", scheduled.getInvolvedObject().getKind());
            Event failed = events.stream().filter(e -> e.getReason().equals("FailedScheduling")).findFirst()
                    .orElseThrow();
            assertEquals("Warning", failed.getType());
        });
    }

    @Test
    void backToBackPodsDoNotShareTheLastSlotAndTheLoserRetriesWhenItFrees() {
        client.nodes().resource(node("small", "1", "2Gi", 110)).create();
        startScheduler();
        create(pod("first", "700m", null));
        create(pod("second", "700m", null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Pod> pods = client.pods().inNamespace("default").list().getItems();
            long bound = pods.stream().filter(p -> p.getSpec().getNodeName() != null).count();
            assertEquals(1, bound);
            Pod waiting = pods.stream().filter(p -> p.getSpec().getNodeName() == null).findFirst().orElseThrow();
            assertTrue(waiting.getStatus() != null && waiting.getStatus().getConditions() != null
                    && waiting.getStatus().getConditions().stream().anyMatch(c -> c.getMessage() != null
                            && c.getMessage().startsWith("0/1 nodes are available: 1 Insufficient cpu.")));
        });
        Pod boundPod = client.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getSpec().getNodeName() != null).findFirst().orElseThrow();
        String waiting = boundPod.getMetadata().getName().equals("first") ? "second" : "first";
        client.pods().inNamespace("default").withName(boundPod.getMetadata().getName()).delete();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals("small", nodeOf(waiting)));
    }

    @Test
    void profilesFromTheConfigurationFileServeTheirSchedulerNamesWithAntiAffinity() throws Exception {
        client.nodes().resource(node("node-a", "4", "8Gi", 110)).create();
        client.nodes().resource(node("node-b", "4", "8Gi", 110)).create();
        var cfg = io.kybernetes.scheduler.config.SchedulerConfiguration.parse("""
                profiles:
                - schedulerName: default-scheduler
                - schedulerName: packer
                  plugins:
                    score:
                      disabled: [{name: '*'}]
                      enabled: [{name: NodeResourcesFit}]
                  pluginConfig:
                  - name: NodeResourcesFit
                    args: {scoringStrategy: {type: MostAllocated}}
                """);
        var assembly = new io.kybernetes.scheduler.SchedulerAssembly(client, cfg, false).start();
        try {
            // Anti-affinity by hostname: two replicas land on different nodes, the third fits nowhere.
            var term = new io.fabric8.kubernetes.api.model.PodAffinityTermBuilder()
                    .withTopologyKey("kubernetes.io/hostname").withNewLabelSelector()
                    .addToMatchLabels("app", "web").endLabelSelector().build();
            for (String name : List.of("web-1", "web-2", "web-3")) {
                create(new PodBuilder(pod(name, "100m", null)).editMetadata().addToLabels("app", "web").endMetadata()
                        .editSpec().withNewAffinity().withNewPodAntiAffinity()
                        .withRequiredDuringSchedulingIgnoredDuringExecution(term).endPodAntiAffinity().endAffinity()
                        .endSpec().build());
                Thread.sleep(300);
            }
            // The packer profile piles pods onto the fuller node.
            create(new PodBuilder(pod("packed", "100m", null)).editSpec().withSchedulerName("packer").endSpec()
                    .build());
            create(new PodBuilder(pod("other", "100m", null)).editSpec().withSchedulerName("someone-else")
                    .endSpec().build());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String n1 = nodeOf("web-1");
                String n2 = nodeOf("web-2");
                assertTrue(n1 != null && n2 != null && !n1.equals(n2), n1 + " " + n2);
                assertEquals(null, nodeOf("web-3"));
                Pod third = client.pods().inNamespace("default").withName("web-3").get();
                assertTrue(third.getStatus().getConditions().stream().anyMatch(c -> ("0/2 nodes are available: 2 "
                        + "node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: "
                        + "2 No preemption victims found for incoming pod.").equals(c.getMessage())),
                        third.getStatus().toString());
                assertTrue(nodeOf("packed") != null);
                assertEquals(null, nodeOf("other"), "no profile named someone-else");
            });
            var events = client.v1().events().inNamespace("default").list().getItems();
            assertTrue(events.stream().anyMatch(e -> e.getInvolvedObject().getName().equals("packed")
                    && e.getSource().getComponent().equals("packer")), "reported by the packer profile");
        } finally {
            assembly.close();
        }
    }
}
