package io.kybernetes.controllers.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.ControllerManager.HpaSettings;
import io.kybernetes.controllers.ControllerManager.StorageSettings;
import io.kybernetes.controllers.realapi.RealApiServer;

/**
 * The volume controllers against the real kybernetes apiserver on a real etcd (skipped when the apiserver jar has
 * not been built): status subresources, finalizers and graceful deletion as the real server does them.
 */
class VolumesRealApiServerTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running controllers;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        for (String ns : List.of("kube-system", "vol")) {
            try {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                        .build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        controllers = ControllerManager.start(client, List.of("persistentvolume-binder", "pvc-protection",
                "pv-protection"), 1, List.of(), HpaSettings.DEFAULT,
                io.kybernetes.controllers.nodeipam.RangeAllocator.Settings.DISABLED, new StorageSettings("/srv/lp", "busybox"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllers != null) {
            controllers.stop();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static PersistentVolumeClaim claim(String name) {
        return client.persistentVolumeClaims().inNamespace("vol").withName(name).get();
    }

    static PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    static void until(Callable<Boolean> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(condition);
    }

    @Test
    void aDefaultClassClaimIsProvisionedBoundAndAfterDeletionItsVolumeIsRemovedThroughAHelperPod() {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName("local-path").addToAnnotations("storageclass.kubernetes.io/is-default-class", "true")
                .endMetadata().withProvisioner("kybernetes.io/local-path").withVolumeBindingMode("WaitForFirstConsumer")
                .withReclaimPolicy("Delete").build()).create();
        client.persistentVolumeClaims().inNamespace("vol").resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build())
                .create();
        until(() -> "local-path".equals(claim("data").getSpec().getStorageClassName()));
        until(() -> claim("data").getMetadata().getFinalizers().contains("kubernetes.io/pvc-protection"));
        client.persistentVolumeClaims().inNamespace("vol").withName("data").edit(c -> new PersistentVolumeClaimBuilder(c)
                .editMetadata().addToAnnotations("volume.kubernetes.io/selected-node", "node-1").endMetadata().build());
        until(() -> "Bound".equals(claim("data").getStatus().getPhase()));
        String pv = claim("data").getSpec().getVolumeName();
        assertEquals("pvc-" + claim("data").getMetadata().getUid(), pv);
        assertEquals(new Quantity("1Gi"), claim("data").getStatus().getCapacity().get("storage"));
        until(() -> "Bound".equals(volume(pv).getStatus().getPhase()));
        until(() -> volume(pv).getMetadata().getFinalizers().contains("kubernetes.io/pv-protection"));

        client.persistentVolumeClaims().inNamespace("vol").withName("data").delete();
        until(() -> claim("data") == null);
        String helper = "helper-pod-delete-" + pv;
        until(() -> client.pods().inNamespace("kube-system").withName(helper).get() != null);
        assertEquals("Released", volume(pv).getStatus().getPhase());
        Pod pod = client.pods().inNamespace("kube-system").withName(helper).get();
        client.pods().inNamespace("kube-system").resource(new PodBuilder(pod).editOrNewStatus().withPhase("Succeeded")
                .endStatus().build()).updateStatus();
        until(() -> volume(pv) == null);
        until(() -> client.pods().inNamespace("kube-system").withName(helper).get() == null);
    }

    @Test
    void aPreBoundStaticVolumeIsReleasedAndKeptUnderRetain() {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("kept")
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity("2Gi")))
                .withAccessModes("ReadWriteOnce").withStorageClassName("manual")
                .withNewHostPath("/srv/static", "DirectoryOrCreate").endSpec().build()).create();
        client.persistentVolumeClaims().inNamespace("vol").resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("static").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName("manual").withVolumeName("kept").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
        until(() -> "Bound".equals(claim("static").getStatus().getPhase()));
        until(() -> "Bound".equals(volume("kept").getStatus().getPhase()));
        assertEquals("Retain", volume("kept").getSpec().getPersistentVolumeReclaimPolicy());
        // a bound volume survives a delete request until its claim is gone
        client.persistentVolumes().withName("kept").delete();
        until(() -> volume("kept").getMetadata().getDeletionTimestamp() != null);
        assertTrue(volume("kept") != null);
        client.persistentVolumeClaims().inNamespace("vol").withName("static").delete();
        until(() -> claim("static") == null);
        until(() -> volume("kept") == null);
    }
}
