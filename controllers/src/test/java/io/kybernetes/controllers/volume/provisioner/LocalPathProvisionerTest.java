package io.kybernetes.controllers.volume.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kybernetes.controllers.volume.provisioner.Provisioner.ProvisioningException;

/** What the provisioner refuses to provision and which directories it refuses to delete (no API calls needed). */
class LocalPathProvisionerTest {

    final LocalPathProvisioner provisioner = new LocalPathProvisioner(null, null, "/srv/lp", "busybox");
    static final StorageClass SC = new StorageClassBuilder().withNewMetadata().withName("lp").endMetadata()
            .withProvisioner(LocalPathProvisioner.NAME).withReclaimPolicy("Retain").build();

    static PersistentVolumeClaimBuilder claim() {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("ns")
                .withUid("u1").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("3Gi")).endResources().endSpec();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("no node (Immediate binding)", claim().build(), null, "no node was specified"),
                Arguments.of("a selector", claim().editSpec().withNewSelector().addToMatchLabels("a", "b")
                        .endSelector().endSpec().build(), "n1", "Selector is not supported"),
                Arguments.of("block mode", claim().editSpec().withVolumeMode("Block").endSpec().build(), "n1",
                        "Block is not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesClaimsItCannotServe(String name, PersistentVolumeClaim claim, String node, String message) {
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> provisioner.provision(claim, SC, node, "pvc-u1"));
        assertEquals(true, e.getMessage().contains(message), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aVolumeTakesTheClaimsSizeAndTheClassReclaimPolicyOnTheNode() throws ProvisioningException {
        PersistentVolume pv = provisioner.provision(claim().build(), SC, "n1", "pvc-u1");
        assertEquals("/srv/lp/pvc-u1_ns_data", pv.getSpec().getHostPath().getPath());
        assertEquals("Retain", pv.getSpec().getPersistentVolumeReclaimPolicy());
        assertEquals(new Quantity("3Gi"), pv.getSpec().getCapacity().get("storage"));
        assertEquals("u1", pv.getSpec().getClaimRef().getUid());
        assertEquals("n1", pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().get(0)
                .getMatchExpressions().get(0).getValues().get(0));
    }

    static PersistentVolume volume(String path, boolean pinned) {
        var b = new PersistentVolumeBuilder().withNewMetadata().withName("v").endMetadata().withNewSpec()
                .withCapacity(Map.of("storage", new Quantity("1Gi"))).withNewHostPath(path, "DirectoryOrCreate")
                .endSpec();
        if (pinned) {
            b.editSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                    .withKey("kubernetes.io/hostname").withOperator("In").withValues("n1").endMatchExpression()
                    .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec();
        }
        return b.build();
    }

    static Stream<Arguments> unsafe() {
        return Stream.of(
                Arguments.of("the base directory itself", volume("/srv/lp", true), "is not directly under"),
                Arguments.of("outside the base", volume("/etc", true), "is not directly under"),
                Arguments.of("escaping with ..", volume("/srv/lp/../../etc", true), "is not directly under"),
                Arguments.of("nested below the base", volume("/srv/lp/a/b", true), "is not directly under"),
                Arguments.of("no node affinity", volume("/srv/lp/pvc-1_ns_x", false), "no kubernetes.io/hostname"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafe")
    void neverDeletesOutsideItsBaseDirectory(String name, PersistentVolume pv, String message) {
        Provisioner.Deletion d = provisioner.delete(pv);
        assertEquals(Provisioner.Deletion.State.FAILED, d.state());
        assertEquals(true, d.message().contains(message), d.message());
    }

    @org.junit.jupiter.api.Test
    void helperPodNamesFitAHostname() {
        assertEquals("helper-pod-delete-pvc-1", LocalPathProvisioner.helperName("pvc-1"));
        assertEquals(63, LocalPathProvisioner.helperName("pvc-" + "a".repeat(60)).length());
    }
}
