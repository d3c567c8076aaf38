package io.kybernetes.controllers.replicaset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;

/** The reconciler over synced informer caches (mock server) with a recording PodControl; no workers run. */
class ReplicaSetControllerTest {

    final KubernetesMockServer server = server();
    final KubernetesClient client = server.createClient();
    final Informers informers = new Informers(client);

    static KubernetesMockServer server() {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        s.init();
        return s;
    }
    final List<String> actions = new ArrayList<>();
    final ReplicaSetController controller = new ReplicaSetController(informers, new PodControl() {
        @Override
        public void createPod(Pod pod) {
            actions.add("create " + pod.getMetadata().getGenerateName());
        }

        @Override
        public void deletePod(Pod pod) {
            actions.add("delete " + pod.getMetadata().getName());
        }

        @Override
        public void adoptPod(Pod pod, OwnerReference ref) {
            actions.add("adopt " + pod.getMetadata().getName());
        }

        @Override
        public void releasePod(Pod pod, String ownerUid) {
            actions.add("release " + pod.getMetadata().getName());
        }

        @Override
        public void updateStatus(ReplicaSet rs) {
            actions.add("status " + rs.getStatus().getReplicas());
        }
    }, Clock.systemUTC(), 1);

    @AfterEach
    void close() {
        informers.stop();
        client.close();
        server.destroy();
    }

    ReplicaSet rs(int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName("rs").withNamespace("ns").withUid("rs-uid")
                .withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "a").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "a").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    Pod pod(String name, String app, ReplicaSet owner, String created) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(name)
                .withCreationTimestamp(created).addToLabels("app", app).endMetadata().withNewSpec().endSpec();
        if (owner != null) {
            b.editMetadata().addToOwnerReferences(Owners.controllerRef(owner, "apps/v1", "ReplicaSet"))
                    .endMetadata();
        }
        return b.build();
    }

    /** Stores the objects and syncs the informer caches; the controller's workers never run. */
    ReplicaSet store(ReplicaSet rs) {
        return client.apps().replicaSets().resource(rs).create();
    }

    void given(Pod... pods) throws Exception {
        for (Pod p : pods) {
            client.pods().resource(p).create();
        }
        informers.start().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStaleCacheDoesNotCreateTooManyPods() throws Exception {
        ReplicaSet rs = store(rs(3));
        given(pod("p1", "a", rs, "2026-01-01T00:00:00Z"));
        controller.reconcile("ns/rs");
        assertEquals(List.of("create rs-", "create rs-", "status 1"), actions);
        actions.clear();
        // The informer has not seen the two new pods yet: expectations hold the controller back.
        controller.reconcile("ns/rs");
        assertEquals(List.of("status 1"), actions, "no creations, only the (unrecorded) status again");
    }

    @Test
    void surplusPodsAreDeletedNewestFirst() throws Exception {
        ReplicaSet rs = store(rs(1));
        given(pod("old", "a", rs, "2026-01-01T00:00:00Z"), pod("new", "a", rs, "2026-01-02T00:00:00Z"));
        controller.reconcile("ns/rs");
        assertEquals(List.of("delete new", "status 2"), actions);
    }

    @Test
    void matchingOrphansAreAdoptedAndRelabelledPodsReleased() throws Exception {
        ReplicaSet rs = store(rs(1));
        given(pod("orphan", "a", null, "2026-01-01T00:00:00Z"), pod("moved", "b", rs, "2026-01-01T00:00:00Z"),
                pod("stranger", "b", null, "2026-01-01T00:00:00Z"));
        controller.reconcile("ns/rs");
        assertEquals(List.of("adopt orphan", "release moved", "status 1"),
                actions.stream().sorted((x, y) -> x.startsWith("status") ? 1 : y.startsWith("status") ? -1 : 0)
                        .toList());
    }
}
