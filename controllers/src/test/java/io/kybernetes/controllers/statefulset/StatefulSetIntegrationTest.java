package io.kybernetes.controllers.statefulset;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.MockApi;

class StatefulSetIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(40);
    MockApi api;
    ControllerManager.Running controllers;
    FakeKubelet kubelet;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("statefulset"), 2, List.of());
        kubelet = new FakeKubelet(api.client, false);
    }

    @AfterEach
    void stop() {
        kubelet.close();
        controllers.stop();
        api.close();
    }

    Map<String, String> images() {
        return api.client.pods().inNamespace("default").withLabel("app", "db").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .collect(Collectors.toMap(p -> p.getMetadata().getName(),
                        p -> p.getSpec().getContainers().get(0).getImage()));
    }

    StatefulSet sts() {
        return api.client.apps().statefulSets().inNamespace("default").withName("db").get();
    }

    void setImage(String image, int partition) {
        api.client.apps().statefulSets().inNamespace("default").withName("db").edit(s -> new StatefulSetBuilder(s)
                .editSpec().withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withPartition(partition).endRollingUpdate().endUpdateStrategy().editTemplate().editSpec()
                .editFirstContainer().withImage(image).endContainer().endSpec().endTemplate().endSpec().build());
    }

    @Test
    void orderedPodsClaimsRollingUpdateWithPartitionAndScaleDown() {
        api.client.apps().statefulSets().inNamespace("default").resource(new StatefulSetBuilder().withNewMetadata()
                .withName("db").endMetadata().withNewSpec().withReplicas(3).withServiceName("db")
                .withNewSelector().addToMatchLabels("app", "db").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "db").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("db:1").addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .endContainer().endSpec().endTemplate().addNewVolumeClaimTemplate().withNewMetadata()
                .withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().endVolumeClaimTemplate()
                .endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Map.of("db-0", "db:1", "db-1", "db:1", "db-2", "db:1"), images());
            assertEquals(3, sts().getStatus().getReadyReplicas());
        });
        Pod p1 = api.client.pods().inNamespace("default").withName("db-1").get();
        assertEquals("db-1", p1.getSpec().getHostname());
        assertEquals("db", p1.getSpec().getSubdomain());
        assertEquals("db-1", p1.getMetadata().getLabels().get("statefulset.kubernetes.io/pod-name"));
        assertEquals("1", p1.getMetadata().getLabels().get("apps.kubernetes.io/pod-index"));
        assertEquals("data-db-1", p1.getSpec().getVolumes().stream().filter(v -> v.getName().equals("data"))
                .findFirst().get().getPersistentVolumeClaim().getClaimName());
        assertEquals(List.of("data-db-0", "data-db-1", "data-db-2"), api.client.persistentVolumeClaims()
                .inNamespace("default").list().getItems().stream().map(c -> c.getMetadata().getName()).sorted()
                .toList());
        String rev1 = sts().getStatus().getCurrentRevision();

        // Partition 2: only db-2 moves to the new revision.
        setImage("db:2", 2);
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Map.of("db-0", "db:1", "db-1", "db:1", "db-2", "db:2"), images());
            assertEquals(1, sts().getStatus().getUpdatedReplicas());
            assertEquals(rev1, sts().getStatus().getCurrentRevision());
        });
        // Partition 0: all of them, and the update revision becomes current.
        setImage("db:2", 0);
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Map.of("db-0", "db:2", "db-1", "db:2", "db-2", "db:2"), images());
            StatefulSet s = sts();
            assertEquals(3, s.getStatus().getUpdatedReplicas());
            assertEquals(s.getStatus().getUpdateRevision(), s.getStatus().getCurrentRevision());
        });
        // Scale down: the highest ordinals go; claims stay.
        api.client.apps().statefulSets().inNamespace("default").withName("db").scale(1);
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Map.of("db-0", "db:2"), images());
            assertEquals(1, sts().getStatus().getReplicas());
        });
        List<PersistentVolumeClaim> claims = api.client.persistentVolumeClaims().inNamespace("default").list()
                .getItems();
        assertEquals(3, claims.size());
    }
}
