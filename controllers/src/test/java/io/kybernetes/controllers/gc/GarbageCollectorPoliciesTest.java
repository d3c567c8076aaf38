package io.kybernetes.controllers.gc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Owners;

/** Orphan, foreground and background deletion against the mock API server (which honours finalizers). */
class GarbageCollectorPoliciesTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    MockApi api;
    ControllerManager.Running controllers;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("garbagecollector"), 2,
                List.of("pods", "replicasets", "jobs"));
    }

    @AfterEach
    void stop() {
        controllers.stop();
        api.close();
    }

    ReplicaSet owner(String finalizer) {
        return api.client.apps().replicaSets().inNamespace("default").resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("rs").addToFinalizers(finalizer).endMetadata().withNewSpec()
                .withReplicas(0).withNewSelector().addToMatchLabels("a", "b").endSelector().endSpec().build())
                .create();
    }

    void dependent(String name, ReplicaSet owner, boolean block) {
        var ref = Owners.controllerRef(owner, "apps/v1", "ReplicaSet");
        ref.setBlockOwnerDeletion(block);
        api.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToOwnerReferences(ref).endMetadata().withNewSpec().endSpec().build()).create();
    }

    List<Pod> pods() {
        return api.client.pods().inNamespace("default").list().getItems();
    }

    ReplicaSet rs() {
        return api.client.apps().replicaSets().inNamespace("default").withName("rs").get();
    }

    @Test
    void orphanRemovesOwnerReferencesThenTheFinalizer() {
        ReplicaSet rs = owner("orphan");
        dependent("p1", rs, true);
        dependent("p2", rs, false);
        api.client.apps().replicaSets().inNamespace("default").withName("rs").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(null, rs(), "the owner is gone once its finalizer is removed");
            List<Pod> pods = pods();
            assertEquals(2, pods.size(), "dependents survive");
            assertTrue(pods.stream().allMatch(p -> p.getMetadata().getOwnerReferences() == null
                    || p.getMetadata().getOwnerReferences().isEmpty()));
        });
    }

    @Test
    void foregroundDeletesDependentsThenTheOwner() {
        ReplicaSet rs = owner("foregroundDeletion");
        // A blocking dependent that itself holds a finalizer keeps the owner until it is really gone.
        var ref = Owners.controllerRef(rs, "apps/v1", "ReplicaSet");
        api.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("held")
                .addToFinalizers("test/hold").addToOwnerReferences(ref).endMetadata().withNewSpec().endSpec()
                .build()).create();
        dependent("p2", rs, false);
        api.client.apps().replicaSets().inNamespace("default").withName("rs").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            Pod held = api.client.pods().inNamespace("default").withName("held").get();
            assertNotNull(held.getMetadata().getDeletionTimestamp());
            assertEquals(null, api.client.pods().inNamespace("default").withName("p2").get());
        });
        assertNotNull(rs(), "the owner waits for its blocking dependent");
        api.client.pods().inNamespace("default").withName("held").edit(p -> new PodBuilder(p).editMetadata()
                .withFinalizers(List.of()).endMetadata().build());
        await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(pods().isEmpty());
            assertEquals(null, rs());
        });
    }

    @Test
    void backgroundDeletesJobPodsOnceTheJobIsGone() {
        Job job = api.client.batch().v1().jobs().inNamespace("default").resource(new JobBuilder().withNewMetadata()
                .withName("j").endMetadata().withNewSpec().withNewTemplate().withNewSpec().endSpec().endTemplate()
                .endSpec().build()).create();
        api.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("jp")
                .addToOwnerReferences(Owners.controllerRef(job, "batch/v1", "Job")).endMetadata().withNewSpec()
                .endSpec().build()).create();
        api.client.batch().v1().jobs().inNamespace("default").withName("j").delete();
        await().atMost(WAIT).until(() -> pods().isEmpty());
    }
}
