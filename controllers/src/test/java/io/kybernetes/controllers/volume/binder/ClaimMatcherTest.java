package io.kybernetes.controllers.volume.binder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

class ClaimMatcherTest {

    static PersistentVolumeBuilder pv(String name, String size) {
        return new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(size))).withAccessModes("ReadWriteOnce")
                .withStorageClassName("manual").endSpec().withNewStatus().withPhase("Available").endStatus();
    }

    static PersistentVolumeClaimBuilder claim(String size) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("ns")
                .withUid("uid-1").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName("manual").withNewResources().addToRequests("storage", new Quantity(size))
                .endResources().endSpec();
    }

    static PersistentVolumeBuilder onNode(PersistentVolumeBuilder b, String node) {
        return b.editSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression()
                .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec();
    }

    static final Node NODE_A = new NodeBuilder().withNewMetadata().withName("a")
            .addToLabels("kubernetes.io/hostname", "a").endMetadata().build();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("the smallest volume that is large enough", claim("1Gi").build(),
                        List.of(pv("big", "10Gi").build(), pv("fit", "2Gi").build(), pv("small", "500Mi").build()),
                        null, false, "fit"),
                Arguments.of("equal size fits", claim("1Gi").build(), List.of(pv("exact", "1Gi").build()), null,
                        false, "exact"),
                Arguments.of("too small", claim("5Gi").build(), List.of(pv("small", "1Gi").build()), null, false,
                        null),
                Arguments.of("another class", claim("1Gi").build(), List.of(pv("fast", "1Gi").editSpec()
                        .withStorageClassName("fast").endSpec().build()), null, false, null),
                Arguments.of("no class binds only volumes without a class", claim("1Gi").editSpec()
                        .withStorageClassName("").endSpec().build(), List.of(pv("manual", "1Gi").build(),
                                pv("none", "1Gi").editSpec().withStorageClassName(null).endSpec().build()), null,
                        false, "none"),
                Arguments.of("access modes must be included", claim("1Gi").editSpec()
                        .withAccessModes("ReadWriteMany").endSpec().build(), List.of(pv("rwo", "1Gi").build(),
                                pv("rwx", "5Gi").editSpec().withAccessModes("ReadWriteOnce", "ReadWriteMany")
                                        .endSpec().build()), null, false, "rwx"),
                Arguments.of("volumeMode must be equal", claim("1Gi").editSpec().withVolumeMode("Block").endSpec()
                        .build(), List.of(pv("fs", "1Gi").build(), pv("block", "1Gi").editSpec()
                                .withVolumeMode("Block").endSpec().build()), null, false, "block"),
                Arguments.of("not Available", claim("1Gi").build(), List.of(pv("released", "1Gi").editStatus()
                        .withPhase("Released").endStatus().build()), null, false, null),
                Arguments.of("claimed by another claim", claim("1Gi").build(), List.of(pv("taken", "1Gi").editSpec()
                        .withNewClaimRef().withNamespace("ns").withName("other").withUid("u2").endClaimRef()
                        .endSpec().build()), null, false, null),
                Arguments.of("pre-bound by the user to this claim wins over a smaller volume", claim("1Gi").build(),
                        List.of(pv("small", "1Gi").build(), pv("mine", "8Gi").editSpec().withNewClaimRef()
                                .withNamespace("ns").withName("data").endClaimRef().endSpec().build()), null, false,
                        "mine"),
                Arguments.of("pre-bound but for an earlier claim of that name (other uid)", claim("1Gi").build(),
                        List.of(pv("old", "1Gi").editSpec().withNewClaimRef().withNamespace("ns").withName("data")
                                .withUid("old-uid").endClaimRef().endSpec().build()), null, false, null),
                Arguments.of("label selector", claim("1Gi").editSpec().withNewSelector()
                        .addToMatchLabels("tier", "db").endSelector().endSpec().build(),
                        List.of(pv("plain", "1Gi").build(), pv("db", "2Gi").editMetadata().addToLabels("tier", "db")
                                .endMetadata().build()), null, false, "db"),
                Arguments.of("being deleted", claim("1Gi").build(), List.of(pv("gone", "1Gi").editMetadata()
                        .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build()), null, false, null),
                Arguments.of("delayed binding waits for a node", claim("1Gi").build(),
                        List.of(pv("any", "1Gi").build()), null, true, null),
                Arguments.of("delayed binding with a node: node affinity filters", claim("1Gi").build(),
                        List.of(onNode(pv("on-b", "1Gi"), "b").build(), onNode(pv("on-a", "5Gi"), "a").build()),
                        NODE_A, true, "on-a"),
                Arguments.of("pre-bound volume on another node: no match", claim("1Gi").build(),
                        List.of(onNode(pv("mine-on-b", "1Gi"), "b").editSpec().withNewClaimRef().withNamespace("ns")
                                .withName("data").endClaimRef().endSpec().build(), pv("free", "1Gi").build()),
                        NODE_A, true, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsTheVolumeUpstreamWouldBind(String name, PersistentVolumeClaim claim, List<PersistentVolume> volumes,
            Node node, boolean delay, String want) {
        PersistentVolume got = ClaimMatcher.findBest(claim, volumes, node, delay);
        assertEquals(want, got == null ? null : got.getMetadata().getName());
    }

    static Stream<Arguments> requested() {
        return Stream.of(
                Arguments.of("fits", claim("1Gi").build(), pv("v", "1Gi").build(), null),
                Arguments.of("small", claim("2Gi").build(), pv("v", "1Gi").build(), "requested PV is too small"),
                Arguments.of("class", claim("1Gi").editSpec().withStorageClassName("x").endSpec().build(),
                        pv("v", "1Gi").build(), "storageClassName does not match"),
                Arguments.of("mode", claim("1Gi").editSpec().withVolumeMode("Block").endSpec().build(),
                        pv("v", "1Gi").build(), "incompatible volumeMode"),
                Arguments.of("access", claim("1Gi").editSpec().withAccessModes("ReadOnlyMany").endSpec().build(),
                        pv("v", "1Gi").build(), "incompatible accessMode"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requested")
    void aVolumeNamedByTheClaimMustSatisfyIt(String name, PersistentVolumeClaim claim, PersistentVolume pv,
            String want) {
        assertEquals(want, ClaimMatcher.unsatisfied(pv, claim));
    }
}
