package io.kybernetes.controllers.volume.binder;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.ControllerManager.HpaSettings;
import io.kybernetes.controllers.ControllerManager.StorageSettings;
import io.kybernetes.controllers.MockApi;

/** The binder, the local-path provisioner and both protection controllers reconciling against the mock API. */
class PersistentVolumeBinderTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    MockApi api;
    ControllerManager.Running controllers;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("persistentvolume-binder", "pvc-protection",
                "pv-protection"), 1, List.of(), HpaSettings.DEFAULT,
                io.kybernetes.controllers.nodeipam.RangeAllocator.Settings.DISABLED, new StorageSettings("/srv/lp", "busybox"));
    }

    @AfterEach
    void stop() {
        controllers.stop();
        api.close();
    }

    PersistentVolumeClaim claim(String name) {
        return api.client.persistentVolumeClaims().inNamespace("ns").withName(name).get();
    }

    PersistentVolume volume(String name) {
        return api.client.persistentVolumes().withName(name).get();
    }

    static PersistentVolumeClaimBuilder newClaim(String name, String cls, String size) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(cls).withNewResources()
                .addToRequests("storage", new Quantity(size)).endResources().endSpec().withNewStatus()
                .withPhase("Pending").endStatus();
    }

    static PersistentVolumeBuilder newVolume(String name, String cls, String size, String policy) {
        return new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(size))).withAccessModes("ReadWriteOnce")
                .withStorageClassName(cls).withPersistentVolumeReclaimPolicy(policy)
                .withNewHostPath("/srv/static/" + name, "DirectoryOrCreate").endSpec();
    }

    void localPathClass() {
        api.client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName("local-path").addToAnnotations("storageclass.kubernetes.io/is-default-class", "true")
                .endMetadata().withProvisioner("kybernetes.io/local-path").withVolumeBindingMode("WaitForFirstConsumer")
                .withReclaimPolicy("Delete").build()).create();
    }

    boolean hasEvent(String reason, String message) {
        return api.client.v1().events().inNamespace("ns").list().getItems().stream()
                .anyMatch(e -> reason.equals(e.getReason()) && e.getMessage().contains(message));
    }

    void until(Callable<Boolean> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(condition);
    }

    @Test
    void aStaticVolumeBindsToAMatchingClaimOnBothSidesWithProtectionFinalizers() {
        api.client.persistentVolumes().resource(newVolume("small", "manual", "1Gi", "Retain").build()).create();
        api.client.persistentVolumes().resource(newVolume("large", "manual", "5Gi", "Retain").build()).create();
        api.client.persistentVolumeClaims().inNamespace("ns").resource(newClaim("data", "manual", "2Gi").build())
                .create();
        until(() -> claim("data").getStatus() != null && "Bound".equals(claim("data").getStatus().getPhase()));
        PersistentVolumeClaim c = claim("data");
        assertEquals("large", c.getSpec().getVolumeName());
        assertEquals(new Quantity("5Gi"), c.getStatus().getCapacity().get("storage"));
        assertEquals(List.of("ReadWriteOnce"), c.getStatus().getAccessModes());
        assertEquals("yes", c.getMetadata().getAnnotations().get("pv.kubernetes.io/bind-completed"));
        assertEquals("yes", c.getMetadata().getAnnotations().get("pv.kubernetes.io/bound-by-controller"));
        until(() -> "Bound".equals(volume("large").getStatus().getPhase()));
        PersistentVolume v = volume("large");
        assertEquals(c.getMetadata().getUid(), v.getSpec().getClaimRef().getUid());
        assertEquals("yes", v.getMetadata().getAnnotations().get("pv.kubernetes.io/bound-by-controller"));
        until(() -> "Available".equals(volume("small").getStatus().getPhase()));
        until(() -> claim("data").getMetadata().getFinalizers().contains("kubernetes.io/pvc-protection"));
        until(() -> volume("large").getMetadata().getFinalizers().contains("kubernetes.io/pv-protection"));
    }

    @Test
    void aRetainedVolumeIsReleasedWhenItsClaimIsDeleted() {
        api.client.persistentVolumes().resource(newVolume("keep", "manual", "1Gi", "Retain").build()).create();
        api.client.persistentVolumeClaims().inNamespace("ns").resource(newClaim("data", "manual", "1Gi").editSpec()
                .withVolumeName("keep").endSpec().build()).create();
        until(() -> "Bound".equals(volume("keep").getStatus().getPhase()));
        until(() -> "Bound".equals(claim("data").getStatus().getPhase()));
        // the user bound the claim; the controller bound the volume's side
        assertEquals(null, claim("data").getMetadata().getAnnotations().get("pv.kubernetes.io/bound-by-controller"));
        assertEquals("yes", volume("keep").getMetadata().getAnnotations().get("pv.kubernetes.io/bound-by-controller"));
        until(() -> claim("data").getMetadata().getFinalizers() != null
                && !claim("data").getMetadata().getFinalizers().isEmpty());
        api.client.persistentVolumeClaims().inNamespace("ns").withName("data").delete();
        until(() -> claim("data") == null);
        until(() -> "Released".equals(volume("keep").getStatus().getPhase()));
        assertNotNull(volume("keep"));
    }

    @Test
    void aClaimWithoutClassGetsTheDefaultThenIsProvisionedOnTheSelectedNodeAndDeletedThroughAHelperPod() {
        localPathClass();
        api.client.persistentVolumeClaims().inNamespace("ns").resource(newClaim("data", null, "1Gi").build())
                .create();
        until(() -> "local-path".equals(claim("data").getSpec().getStorageClassName()));
        until(() -> hasEvent("WaitForFirstConsumer", "waiting for first consumer to be created before binding"));

        // the scheduler picks node-1 for the claim's first pod
        api.client.persistentVolumeClaims().inNamespace("ns").withName("data").edit(c -> new PersistentVolumeClaimBuilder(c)
                .editMetadata().addToAnnotations("volume.kubernetes.io/selected-node", "node-1").endMetadata().build());
        until(() -> claim("data").getStatus() != null && "Bound".equals(claim("data").getStatus().getPhase()));
        assertEquals("kybernetes.io/local-path", claim("data").getMetadata().getAnnotations()
                .get("volume.kubernetes.io/storage-provisioner"));
        String uid = claim("data").getMetadata().getUid();
        String pvName = "pvc-" + uid;
        assertEquals(pvName, claim("data").getSpec().getVolumeName());
        PersistentVolume pv = volume(pvName);
        assertEquals("/srv/lp/" + pvName + "_ns_data", pv.getSpec().getHostPath().getPath());
        assertEquals("DirectoryOrCreate", pv.getSpec().getHostPath().getType());
        assertEquals("Delete", pv.getSpec().getPersistentVolumeReclaimPolicy());
        assertEquals("local-path", pv.getSpec().getStorageClassName());
        assertEquals(new Quantity("1Gi"), pv.getSpec().getCapacity().get("storage"));
        assertEquals("kybernetes.io/local-path", pv.getMetadata().getAnnotations().get("pv.kubernetes.io/provisioned-by"));
        assertEquals("node-1", VolumeNodeAffinity.pinnedNode(pv));
        until(() -> hasEvent("ProvisioningSucceeded", "Successfully provisioned volume " + pvName));

        api.client.persistentVolumeClaims().inNamespace("ns").withName("data").delete();
        String helper = "helper-pod-delete-" + pvName;
        until(() -> api.client.pods().inNamespace("kube-system").withName(helper).get() != null);
        Pod pod = api.client.pods().inNamespace("kube-system").withName(helper).get();
        assertEquals("node-1", pod.getSpec().getNodeName());
        assertEquals(List.of("rm", "-rf", "/data/" + pvName + "_ns_data"), pod.getSpec().getContainers().get(0)
                .getCommand());
        assertEquals("/srv/lp", pod.getSpec().getVolumes().get(0).getHostPath().getPath());
        assertEquals("Released", volume(pvName).getStatus().getPhase());

        // the kubelet runs it to completion
        api.client.pods().inNamespace("kube-system").resource(new PodBuilder(pod).editOrNewStatus()
                .withPhase("Succeeded").endStatus().build()).updateStatus();
        until(() -> volume(pvName) == null);
        until(() -> api.client.pods().inNamespace("kube-system").withName(helper).get() == null);
    }

    @Test
    void aDeletedClaimStaysWhileARunningPodUsesIt() {
        api.client.persistentVolumeClaims().inNamespace("ns").resource(newClaim("data", "manual", "1Gi").build())
                .create();
        until(() -> claim("data").getMetadata().getFinalizers() != null
                && claim("data").getMetadata().getFinalizers().contains("kubernetes.io/pvc-protection"));
        api.client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName("user")
                .withNamespace("ns").endMetadata().withNewSpec().addNewVolume().withName("v")
                .withNewPersistentVolumeClaim().withClaimName("data").endPersistentVolumeClaim().endVolume()
                .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().withNewStatus()
                .withPhase("Running").endStatus().build()).create();
        api.client.persistentVolumeClaims().inNamespace("ns").withName("data").delete();
        until(() -> claim("data").getMetadata().getDeletionTimestamp() != null);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> claim("data") != null);
        api.client.pods().inNamespace("ns").withName("user").delete();
        until(() -> claim("data") == null);
    }

    @Test
    void aClaimWithNoClassAndNoDefaultWaitsWithFailedBinding() {
        api.client.persistentVolumeClaims().inNamespace("ns").resource(newClaim("data", "", "1Gi").build()).create();
        until(() -> hasEvent("FailedBinding",
                "no persistent volumes available for this claim and no storage class is set"));
        assertTrue(claim("data").getSpec().getVolumeName() == null);
    }
}
