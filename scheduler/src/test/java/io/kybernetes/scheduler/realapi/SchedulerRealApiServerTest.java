package io.kybernetes.scheduler.realapi;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.scheduler.SchedulerService;
import io.kybernetes.scheduler.cache.SchedulerCache;
import io.kybernetes.scheduler.plugins.Profiles;
import io.kybernetes.scheduler.queue.SchedulingQueue;
import io.kybernetes.scheduler.scheduling.KubeApiWriter;
import io.kybernetes.scheduler.scheduling.Scheduler;

/**
 * The scheduler against the real kybernetes apiserver on a real etcd (skipped when the apiserver jar has not
 * been built): binding through pods/binding, the Unschedulable condition and the events.
 */
class SchedulerRealApiServerTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RealApiServer api;
    static KubernetesClient client;
    static Scheduler scheduler;
    static SharedIndexInformer<?>[] informers;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        Node n = node("node-1", "2", "4Gi", 110);
        Node created = client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder(n).withStatus(null)
                .build()).create();
        created.setStatus(n.getStatus());
        client.nodes().resource(created).updateStatus();
        scheduler = new Scheduler("default-scheduler", new SchedulerCache(), new SchedulingQueue(),
                Profiles.defaults(new Random()), new KubeApiWriter(client, "default-scheduler"));
        informers = SchedulerService.start(client, scheduler);
    }

    @AfterAll
    static void stop() throws Exception {
        if (scheduler != null) {
            scheduler.stop();
        }
        if (informers != null) {
            for (SharedIndexInformer<?> i : informers) {
                i.stop();
            }
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    Pod create(Pod p) {
        return client.pods().inNamespace("default").resource(new PodBuilder(p).editMetadata().withUid(null)
                .endMetadata().build()).create();
    }

    @Test
    void bindsWhatFitsAndExplainsWhatDoesNot() {
        create(pod("small", "500m", "128Mi"));
        create(pod("huge", "8", null));
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals("node-1", client.pods().inNamespace("default").withName("small").get().getSpec()
                    .getNodeName());
            Pod huge = client.pods().inNamespace("default").withName("huge").get();
            assertTrue(huge.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("PodScheduled")
                    && c.getStatus().equals("False") && c.getReason().equals("Unschedulable")
                    && c.getMessage().equals("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes "
                            + "are available: 1 No preemption victims found for incoming pod.")));
            var reasons = client.v1().events().inNamespace("default").list().getItems().stream()
                    .map(e -> e.getInvolvedObject().getName() + ":" + e.getReason()).toList();
            assertTrue(reasons.contains("small:Scheduled"), reasons.toString());
            assertTrue(reasons.contains("huge:FailedScheduling"), reasons.toString());
        });
    }
}
