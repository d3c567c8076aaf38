package io.kybernetes.scheduler.realapi;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kybernetes.scheduler.SchedulerAssembly;
import io.kybernetes.scheduler.config.SchedulerConfiguration;

/**
 * The assembled scheduler (as the service starts it) against the real apiserver on a real etcd: preemption of a
 * lower-priority pod for a pod of a PriorityClass, and a standby taking over the kube-scheduler Lease.
 */
class PreemptionAndElectionRealApiTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RealApiServer api;
    static KubernetesClient client;
    final List<SchedulerAssembly> running = new ArrayList<>();
    final List<KubernetesClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        Node n = node("node-1", "2", "4Gi", 110);
        Node created = client.nodes().resource(new NodeBuilder(n).withStatus(null).build()).create();
        created.setStatus(n.getStatus());
        client.nodes().resource(created).updateStatus();
    }

    @AfterEach
    void stopSchedulers() {
        running.forEach(SchedulerAssembly::close);
        clients.forEach(KubernetesClient::close);
        client.pods().inNamespace("default").withGracePeriod(0).delete();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    SchedulerAssembly scheduler(String yaml, boolean elect) throws Exception {
        KubernetesClient c = api.client();
        clients.add(c);
        SchedulerAssembly a = new SchedulerAssembly(c, SchedulerConfiguration.parse(yaml), elect).start();
        running.add(a);
        return a;
    }

    Pod create(Pod p) {
        return client.pods().inNamespace("default").resource(new PodBuilder(p).editMetadata().withUid(null)
                .endMetadata().build()).create();
    }

    Pod get(String name) {
        return client.pods().inNamespace("default").withName(name).get();
    }

    @Test
    void aHigherPriorityClassPreemptsAndIsBoundOnceTheVictimIsGone() throws Exception {
        boolean classes = true;
        try {
            client.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
                    .withName("urgent").endMetadata().withValue(1000).build()).createOr(r -> r.update());
        } catch (KubernetesClientException e) {
            assertEquals(404, e.getCode());
            classes = false; // an apiserver that does not serve PriorityClasses yet: give the priority directly
        }
        scheduler("{}", false);
        create(pod("filler", "1500m", null));
        await().atMost(WAIT).until(() -> "node-1".equals(get("filler").getSpec().getNodeName()));
        create(classes ? new PodBuilder(pod("vip", "1", null)).editSpec().withPriorityClassName("urgent").endSpec()
                .build() : new PodBuilder(pod("vip", "1", null)).editSpec().withPriority(1000).endSpec().build());
        await().atMost(WAIT).untilAsserted(() -> {
            Pod filler = get("filler");
            assertTrue(filler == null || filler.getMetadata().getDeletionTimestamp() != null, "victim deleted");
            assertEquals("node-1", get("vip").getStatus().getNominatedNodeName());
            var reasons = client.v1().events().inNamespace("default").list().getItems().stream()
                    .map(e -> e.getInvolvedObject().getName() + ":" + e.getReason()).toList();
            assertTrue(reasons.contains("filler:Preempted"), reasons.toString());
        });
        Pod filler = get("filler");
        if (filler != null) {
            assertTrue(filler.getStatus().getConditions().stream().anyMatch(c -> c.getType()
                    .equals("DisruptionTarget") && c.getReason().equals("PreemptionByScheduler")));
            assertNull(get("vip").getSpec().getNodeName(), "the victim still holds the cpu while terminating");
            // What the kubelet does once the containers stopped.
            client.pods().inNamespace("default").withName("filler").withGracePeriod(0).delete();
        }
        await().atMost(WAIT).until(() -> "node-1".equals(get("vip").getSpec().getNodeName()));
    }

    static final String FAST_LEASE = """
            leaderElection:
              leaseDuration: 4s
              renewDeadline: 3s
              retryPeriod: 1s
            """;

    @Test
    void aStandbyTakesOverTheLease() throws Exception {
        SchedulerAssembly a = scheduler(FAST_LEASE, true);
        SchedulerAssembly b = scheduler(FAST_LEASE, true);
        await().atMost(WAIT).until(() -> a.scheduler().isRunning() || b.scheduler().isRunning());
        SchedulerAssembly leader = a.scheduler().isRunning() ? a : b;
        SchedulerAssembly standby = leader == a ? b : a;
        Thread.sleep(3000);
        assertTrue(!standby.scheduler().isRunning(), "only one instance schedules");
        var lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
        assertNotNull(lease);
        assertEquals(leader.election().identity(), lease.getSpec().getHolderIdentity());
        create(pod("first", "100m", null));
        await().atMost(WAIT).until(() -> "node-1".equals(get("first").getSpec().getNodeName()));

        long stopped = System.nanoTime();
        leader.close();
        // released: no holder (or already the standby), so the standby need not wait for the lease to expire
        String holder = client.leases().inNamespace("kube-system").withName("kube-scheduler").get().getSpec()
                .getHolderIdentity();
        assertTrue(holder.isEmpty() || holder.equals(standby.election().identity()), holder);
        await().atMost(Duration.ofSeconds(60)).until(() -> standby.scheduler().isRunning());
        System.out.printf("scheduler election: standby took over %d ms after the leader released its lease%n",
                (System.nanoTime() - stopped) / 1_000_000);
        create(pod("second", "100m", null));
        await().atMost(WAIT).until(() -> "node-1".equals(get("second").getSpec().getNodeName()));
    }

    @Test
    void takesOverFromALeaderThatDiedWithoutReleasingWithin15Seconds() throws Exception {
        // A leader that renewed just now and then died (kill -9): nobody releases its lease.
        var leases = client.leases().inNamespace("kube-system");
        var existing = leases.withName("kube-scheduler").get();
        var dead = new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata().withName("kube-scheduler").withNamespace("kube-system")
                .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
                .endMetadata().withNewSpec().withHolderIdentity("dead-scheduler_0").withLeaseDurationSeconds(12)
                .withAcquireTime(java.time.ZonedDateTime.now()).withRenewTime(java.time.ZonedDateTime.now())
                .withLeaseTransitions(0).endSpec().build();
        if (existing == null) {
            leases.resource(dead).create();
        } else {
            leases.resource(dead).update();
        }
        long died = System.nanoTime();
        SchedulerAssembly standby = scheduler("{}", true);
        Thread.sleep(2000);
        assertTrue(!standby.scheduler().isRunning(), "the dead leader's lease is still valid");
        // Wall-clock figures belong to measurements, not assertions (a loaded CI machine stretches them): the test
        // asserts the order of events (no takeover while the lease is valid, takeover once it expired) and prints
        // the time, which scheduler/README.md records against the 15 s goal.
        await().atMost(Duration.ofSeconds(60)).until(() -> standby.scheduler().isRunning());
        long took = System.nanoTime() - died;
        System.out.printf("scheduler election: standby took over %d ms after the leader died (lease 12 s)%n",
                took / 1_000_000);
        assertTrue(took >= Duration.ofSeconds(12).toNanos(), "took over before the lease expired: " + took / 1_000_000 + " ms");
        create(pod("after-takeover", "100m", null));
        await().atMost(WAIT).until(() -> "node-1".equals(get("after-takeover").getSpec().getNodeName()));
    }
}
