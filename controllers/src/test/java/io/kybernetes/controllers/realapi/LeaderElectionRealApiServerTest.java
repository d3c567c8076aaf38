package io.kybernetes.controllers.realapi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.ControllersIntegrationTest;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.leaderelection.LeaderElection;
import io.kybernetes.controllers.leaderelection.LeaseSettings;

/**
 * Leader election of the controller manager against the real kybernetes apiserver on a real etcd, with a short
 * lease (4 s, renew deadline 3 s, retry 1 s): one leader among two candidates, hand-over on release, take-over of
 * a lease whose holder died, a leader that loses its lease stops and campaigns again, and only the leader runs
 * the controllers (the next leader carries a Deployment on without duplicating pods).
 */
class LeaderElectionRealApiServerTest {

    static final LeaseSettings FAST = new LeaseSettings("kube-system", "kube-controller-manager",
            Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1));
    static RealApiServer api;
    static KubernetesClient client;
    final List<LeaderElection> elections = new ArrayList<>();

    /** One candidate with a log of its transitions ("start", "stop"). */
    record Candidate(LeaderElection election, List<String> transitions) {
    }

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
    }

    @AfterEach
    void stopCandidates() {
        elections.forEach(LeaderElection::stop);
        client.leases().inNamespace("kube-system").withName("kube-controller-manager").delete();
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

    @Test
    void oneOfTwoCandidatesLeadsAndHandsOverWhenItStops() throws Exception {
        Candidate a = candidate();
        Candidate b = candidate();
        await().atMost(Duration.ofSeconds(30)).until(() -> a.election().isLeader() || b.election().isLeader());
        Candidate leader = a.election().isLeader() ? a : b;
        Candidate standby = leader == a ? b : a;
        Thread.sleep(2500); // a few renewals: the standby stays a standby
        assertFalse(standby.election().isLeader(), "two leaders");
        assertEquals(List.of(), standby.transitions());
        Lease lease = lease();
        assertEquals(leader.election().identity(), lease.getSpec().getHolderIdentity());
        assertTrue(lease.getSpec().getHolderIdentity().matches("[a-z0-9.-]+_[0-9a-f-]{36}"),
                lease.getSpec().getHolderIdentity());
        assertEquals(4, lease.getSpec().getLeaseDurationSeconds());
        assertEquals(leader.election().identity(), standby.election().leader(), "the standby knows the leader");

        long stopped = System.nanoTime();
        leader.election().stop();
        assertEquals(List.of("start", "stop"), leader.transitions());
        // released (no holder) or already taken: the standby need not wait for the lease to expire
        String holder = lease().getSpec().getHolderIdentity();
        assertTrue(holder.isEmpty() || holder.equals(standby.election().identity()), holder);
        await().atMost(Duration.ofMillis(2200 + 1000)).until(() -> standby.election().isLeader());
        System.out.printf("controller manager election: standby took over %d ms after the leader released%n",
                (System.nanoTime() - stopped) / 1_000_000);
        assertEquals(standby.election().identity(), lease().getSpec().getHolderIdentity());
        assertEquals(List.of("start"), standby.transitions());
    }

    @Test
    void takesOverALeaseWhoseHolderDiedOnlyOnceItExpired() throws Exception {
        write("dead-controller-manager_0");
        long died = System.nanoTime();
        Candidate c = candidate();
        Thread.sleep(2000);
        assertFalse(c.election().isLeader(), "the dead holder's lease is still valid");
        assertEquals("dead-controller-manager_0", c.election().leader());
        await().atMost(Duration.ofSeconds(30)).until(() -> c.election().isLeader());
        long took = System.nanoTime() - died;
        System.out.printf("controller manager election: took over %d ms after the holder died (lease 4 s)%n",
                took / 1_000_000);
        assertTrue(took >= Duration.ofSeconds(4).toNanos(), "took over a valid lease after " + took / 1_000_000 + " ms");
        assertEquals(1, lease().getSpec().getLeaseTransitions());
    }

    @Test
    void aLeaderThatLosesItsLeaseStopsAndCampaignsAgain() throws Exception {
        Candidate c = candidate();
        await().atMost(Duration.ofSeconds(30)).until(() -> c.election().isLeader());
        // another holder takes the lease (as after a partition): the leader sees it on its next renewal
        write("usurper_0");
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.election().isLeader());
        await().atMost(Duration.ofSeconds(5)).until(() -> c.transitions().equals(List.of("start", "stop")));
        assertEquals("usurper_0", lease().getSpec().getHolderIdentity());
        // the usurper never renews: once its lease expired the instance leads again
        await().atMost(Duration.ofSeconds(30)).until(() -> c.election().isLeader());
        await().atMost(Duration.ofSeconds(5)).until(() -> c.transitions().equals(List.of("start", "stop", "start")));
        assertEquals(c.election().identity(), lease().getSpec().getHolderIdentity());
    }

    @Test
    void onlyTheLeaderReconcilesAndTheNextOneCarriesOnWithoutDuplicates() throws Exception {
        // two controller managers, each running the controllers only while it leads, as ControllerManager does
        List<LeaderElection> managers = new ArrayList<>();
        List<AtomicReference<ControllerManager.Running>> running = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            AtomicReference<ControllerManager.Running> r = new AtomicReference<>();
            LeaderElection e = new LeaderElection(client, FAST,
                    () -> r.set(ControllerManager.start(client, List.of("deployment", "replicaset"), 2,
                            List.of("pods"))),
                    () -> r.getAndSet(null).stop());
            elections.add(e);
            managers.add(e);
            running.add(r);
            e.start();
        }
        try (FakeKubelet kubelet = new FakeKubelet(client, true)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> managers.stream().anyMatch(LeaderElection::isLeader));
            int leader = managers.get(0).isLeader() ? 0 : 1;
            assertEquals(null, running.get(1 - leader).get(), "the standby runs controllers");
            var deployments = client.apps().deployments().inNamespace("default");
            deployments.resource(ControllersIntegrationTest.web(3, "nginx")).create();
            await().atMost(Duration.ofSeconds(60)).until(() -> pods() == 3);

            managers.get(leader).stop();
            assertEquals(null, running.get(leader).get(), "the old leader still runs controllers");
            await().atMost(Duration.ofSeconds(10)).until(() -> managers.get(1 - leader).isLeader());
            deployments.withName("web").scale(6);
            await().atMost(Duration.ofSeconds(60)).until(() -> pods() == 6);
            Thread.sleep(2000);
            assertEquals(6, pods(), "pods after the hand-over");
            assertEquals(1, client.apps().replicaSets().inNamespace("default").list().getItems().size());
        } finally {
            client.apps().deployments().inNamespace("default").withName("web").delete();
            client.pods().inNamespace("default").withGracePeriod(0).delete();
        }
    }

    private static long pods() {
        return client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
    }

    private Candidate candidate() {
        List<String> transitions = new CopyOnWriteArrayList<>();
        LeaderElection e = new LeaderElection(client, FAST, () -> transitions.add("start"),
                () -> transitions.add("stop"));
        elections.add(e);
        e.start();
        return new Candidate(e, transitions);
    }

    private static Lease lease() {
        return client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
    }

    /** Writes the Lease as a holder that renewed just now would (retrying when a renewal came in between). */
    private static void write(String holder) {
        for (int attempt = 1;; attempt++) {
            try {
                tryWrite(holder);
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static void tryWrite(String holder) {
        Lease existing = lease();
        ZonedDateTime now = ZonedDateTime.now();
        Lease l = new LeaseBuilder().withNewMetadata().withName("kube-controller-manager")
                .withNamespace("kube-system")
                .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
                .endMetadata().withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(4)
                .withAcquireTime(now).withRenewTime(now)
                .withLeaseTransitions(existing == null ? 0 : existing.getSpec().getLeaseTransitions())
                .endSpec().build();
        if (existing == null) {
            client.leases().inNamespace("kube-system").resource(l).create();
        } else {
            client.leases().inNamespace("kube-system").resource(l).update();
        }
    }
}
