package io.kybernetes.controllers.gc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.reconcile.Result;

/**
 * The race behind a flake of {@link GarbageCollectorPoliciesTest}: the owner's deletion reached the collector
 * before the pod watch delivered the owner's dependents, so the finalizer went at once and the owner was removed
 * ahead of them. Here the pod informer is started only after the owner is reconciled, which makes the lag certain.
 */
class GarbageCollectorCacheLagTest {

    MockApi api;
    SharedIndexInformer<ReplicaSet> replicaSets;
    SharedIndexInformer<Pod> pods;

    @BeforeEach
    void start() {
        api = new MockApi();
        replicaSets = api.client.apps().replicaSets().inAnyNamespace().runnableInformer(0);
        pods = api.client.pods().inAnyNamespace().runnableInformer(0);
        pods.addIndexers(Map.of(Informers.BY_OWNER_UID, p -> p.getMetadata().getOwnerReferences() == null ? List.of()
                : p.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid).toList()));
    }

    @AfterEach
    void stop() {
        replicaSets.stop();
        pods.stop();
        api.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {GarbageCollector.FOREGROUND, GarbageCollector.ORPHAN})
    void theFinalizerStaysWhileTheApiServerStillListsADependentTheCacheLacks(String finalizer) {
        ReplicaSet rs = api.client.apps().replicaSets().inNamespace("default").resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("rs").addToFinalizers(finalizer).endMetadata().withNewSpec()
                .withReplicas(0).withNewSelector().addToMatchLabels("a", "b").endSelector().endSpec().build())
                .create();
        api.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p")
                .addToOwnerReferences(Owners.controllerRef(rs, "apps/v1", "ReplicaSet")).endMetadata()
                .withNewSpec().endSpec().build()).create();
        api.client.apps().replicaSets().inNamespace("default").withName("rs").delete();

        GarbageCollector gc = new GarbageCollector(api.client, 1);
        gc.owner("apps/v1", "ReplicaSet", replicaSets, ReplicaSet.class);
        gc.dependent("pods", pods, Pod.class);
        replicaSets.run();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ReplicaSet cached = replicaSets.getIndexer().getByKey("default/rs");
            return cached != null && cached.getMetadata().getDeletionTimestamp() != null;
        });

        Result r = gc.reconcileOwner("apps/v1/ReplicaSet", "default/rs");
        assertEquals(Result.Kind.REQUEUE_AFTER, r.kind(), "the owner is looked at again");
        assertNotNull(rs(), "the owner keeps its finalizer while a dependent the cache lacks exists");
        assertTrue(rs().getMetadata().getFinalizers().contains(finalizer));

        pods.run();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            gc.reconcileOwner("apps/v1/ReplicaSet", "default/rs");
            assertEquals(null, rs(), "the finalizer goes once the dependent is handled");
        });
        Pod p = api.client.pods().inNamespace("default").withName("p").get();
        if (finalizer.equals(GarbageCollector.ORPHAN)) {
            assertNotNull(p, "an orphaned dependent survives");
            assertTrue(p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty());
        } else {
            assertEquals(null, p, "a foreground deletion removes the dependent first");
        }
    }

    ReplicaSet rs() {
        return api.client.apps().replicaSets().inNamespace("default").withName("rs").get();
    }
}
