package io.kybernetes.scheduler.plugins;

import static io.kybernetes.scheduler.Fixtures.labelledNode;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.Status;
import io.kybernetes.scheduler.framework.Status.Code;

class VolumePluginsTest {

    static final String ZONE = "topology.kubernetes.io/zone";
    static final Node NODE_A = labelledNode("n1", ZONE, "a");

    static PersistentVolumeClaim claim(String name, String cls, String volume) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("default")
                .endMetadata().withNewSpec().withStorageClassName(cls).withVolumeName(volume)
                .withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build();
    }

    static PersistentVolume volume(String name, String cls, String zoneLabel, String affinityZone) {
        var b = new PersistentVolumeBuilder().withNewMetadata().withName(name)
                .withLabels(zoneLabel == null ? Map.of() : Map.of(ZONE, zoneLabel)).endMetadata().withNewSpec()
                .withStorageClassName(cls).withAccessModes("ReadWriteOnce")
                .withCapacity(Map.of("storage", new Quantity("5Gi")));
        if (affinityZone != null) {
            b = b.withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().withMatchExpressions(
                    new NodeSelectorRequirementBuilder().withKey(ZONE).withOperator("In").withValues(affinityZone)
                            .build()).endNodeSelectorTerm().endRequired().endNodeAffinity();
        }
        return b.endSpec().withNewStatus().withPhase("Available").endStatus().build();
    }

    static StorageClass storageClass(String name, String mode, String provisioner) {
        return new StorageClassBuilder().withNewMetadata().withName(name).endMetadata().withProvisioner(provisioner)
                .withVolumeBindingMode(mode).build();
    }

    static final List<PersistentVolumeClaim> CLAIMS = List.of(claim("bound-a", "manual", "pv-a"),
            claim("bound-b", "manual", "pv-b"), claim("immediate", "fast", null), claim("wffc-dyn", "local", null),
            claim("wffc-static", "static", null), claim("wffc-none", "static-none", null),
            new PersistentVolumeClaimBuilder(claim("deleting", "fast", null)).editMetadata()
                    .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build(),
            claim("dangling", "manual", "pv-gone"));
    static final List<PersistentVolume> VOLUMES = List.of(volume("pv-a", "manual", "a", "a"),
            volume("pv-b", "manual", "b__c", "b"), volume("pv-static", "static", null, "a"));
    static final List<StorageClass> CLASSES = List.of(storageClass("fast", "Immediate", "x.io/fast"),
            storageClass("local", "WaitForFirstConsumer", "rancher.io/local-path"),
            storageClass("static", "WaitForFirstConsumer", VolumeBinding.NO_PROVISIONER),
            storageClass("static-none", "WaitForFirstConsumer", VolumeBinding.NO_PROVISIONER));

    static final Listers LISTERS = new Listers() {
        @Override
        public PersistentVolumeClaim pvc(String namespace, String name) {
            return CLAIMS.stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElse(null);
        }

        @Override
        public PersistentVolume pv(String name) {
            return VOLUMES.stream().filter(v -> v.getMetadata().getName().equals(name)).findFirst().orElse(null);
        }

        @Override
        public List<PersistentVolume> pvs() {
            return VOLUMES;
        }

        @Override
        public StorageClass storageClass(String name) {
            return CLASSES.stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElse(null);
        }
    };

    static Pod withClaim(String claim) {
        return new PodBuilder(pod("p", null, null)).editSpec().addNewVolume().withName("data")
                .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim().endVolume().endSpec()
                .build();
    }

    static Pod withVolume(String name, Volume v) {
        return new PodBuilder(pod(name, null, null)).editSpec().addToVolumes(v).endSpec().build();
    }

    static Volume gce(String pd, boolean readOnly) {
        return new VolumeBuilder().withName("d").withNewGcePersistentDisk().withPdName(pd).withReadOnly(readOnly)
                .endGcePersistentDisk().build();
    }

    static Volume ebs(String id) {
        return new VolumeBuilder().withName("d").withNewAwsElasticBlockStore().withVolumeID(id)
                .endAwsElasticBlockStore().build();
    }

    static Stream<Arguments> cases() {
        FilterPlugin binding = new VolumeBinding(LISTERS);
        FilterPlugin zone = new VolumeZone(LISTERS);
        FilterPlugin restrictions = new VolumeRestrictions();
        Node nodeB = labelledNode("n2", ZONE, "b");
        return Stream.of(
                Arguments.of("binding: no claims", binding, pod("p", null, null), NODE_A, List.of(), Code.SUCCESS,
                        null),
                Arguments.of("binding: missing claim", binding, withClaim("nope"), NODE_A, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "persistentvolumeclaim \"nope\" not found"),
                Arguments.of("binding: claim being deleted", binding, withClaim("deleting"), NODE_A, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "persistentvolumeclaim \"deleting\" is being deleted"),
                Arguments.of("binding: unbound immediate claim", binding, withClaim("immediate"), NODE_A, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, VolumeBinding.UNBOUND_IMMEDIATE),
                Arguments.of("binding: bound, PV affinity matches", binding, withClaim("bound-a"), NODE_A, List.of(),
                        Code.SUCCESS, null),
                Arguments.of("binding: bound, PV affinity conflicts", binding, withClaim("bound-b"), NODE_A,
                        List.of(), Code.UNSCHEDULABLE_AND_UNRESOLVABLE, VolumeBinding.NODE_CONFLICT),
                Arguments.of("binding: bound to a missing PV", binding, withClaim("dangling"), NODE_A, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "pvc(s) bound to non-existent pv(s)"),
                Arguments.of("binding: WaitForFirstConsumer, dynamic provisioner", binding, withClaim("wffc-dyn"),
                        nodeB, List.of(), Code.SUCCESS, null),
                Arguments.of("binding: WaitForFirstConsumer, static PV on the node", binding,
                        withClaim("wffc-static"), NODE_A, List.of(), Code.SUCCESS, null),
                Arguments.of("binding: WaitForFirstConsumer, static PV elsewhere", binding,
                        withClaim("wffc-static"), nodeB, List.of(), Code.UNSCHEDULABLE, VolumeBinding.BIND_CONFLICT),
                Arguments.of("binding: WaitForFirstConsumer, no PV", binding, withClaim("wffc-none"), NODE_A,
                        List.of(), Code.UNSCHEDULABLE, VolumeBinding.BIND_CONFLICT),
                Arguments.of("zone: PV zone matches", zone, withClaim("bound-a"), NODE_A, List.of(), Code.SUCCESS,
                        null),
                Arguments.of("zone: PV zone differs", zone, withClaim("bound-a"), nodeB, List.of(),
                        Code.UNSCHEDULABLE_AND_UNRESOLVABLE, VolumeZone.REASON),
                Arguments.of("zone: one of several zones", zone, withClaim("bound-b"), nodeB, List.of(),
                        Code.SUCCESS, null),
                Arguments.of("zone: unbound claims are not its business", zone, withClaim("wffc-dyn"), nodeB,
                        List.of(), Code.SUCCESS, null),
                Arguments.of("disk: same GCE PD read-write", restrictions, withVolume("p", gce("pd1", false)), NODE_A,
                        List.of(onNode(withVolume("o", gce("pd1", false)), "n1")), Code.UNSCHEDULABLE,
                        VolumeRestrictions.REASON),
                Arguments.of("disk: same GCE PD both read-only", restrictions, withVolume("p", gce("pd1", true)),
                        NODE_A, List.of(onNode(withVolume("o", gce("pd1", true)), "n1")), Code.SUCCESS, null),
                Arguments.of("disk: other GCE PD", restrictions, withVolume("p", gce("pd2", false)), NODE_A,
                        List.of(onNode(withVolume("o", gce("pd1", false)), "n1")), Code.SUCCESS, null),
                Arguments.of("disk: same EBS volume", restrictions, withVolume("p", ebs("vol-1")), NODE_A,
                        List.of(onNode(withVolume("o", ebs("vol-1")), "n1")), Code.UNSCHEDULABLE,
                        VolumeRestrictions.REASON));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, FilterPlugin plugin, Pod pod, Node node, List<Pod> existing, Code code,
            String reason) {
        NodeInfo info = new NodeInfo(node, existing);
        CycleState state = new CycleState(List.of(info));
        Status s = Status.success();
        if (plugin instanceof PreFilterPlugin pre) {
            s = pre.preFilter(state, pod);
        }
        if (s.isSuccess()) {
            s = plugin.filter(state, pod, info);
        }
        assertEquals(code, s.code(), name);
        assertEquals(reason == null ? List.of() : List.of(reason), s.reasons(), name);
    }

    @org.junit.jupiter.api.Test
    void preBindSelectsTheNodeForDynamicProvisioningAndWaits() {
        List<String> selected = new java.util.ArrayList<>();
        VolumeBinding plugin = new VolumeBinding(LISTERS,
                (claim, node) -> selected.add(claim.getMetadata().getName() + "@" + node));
        for (String claim : List.of("wffc-dyn", "wffc-static", "bound-a")) {
            Pod p = withClaim(claim);
            CycleState state = new CycleState(List.of(new NodeInfo(NODE_A, List.of())));
            assertEquals(Code.SUCCESS, plugin.preFilter(state, p).code());
            Status s = plugin.preBind(state, p, "n1");
            assertEquals(claim.equals("wffc-dyn") ? Code.UNSCHEDULABLE : Code.SUCCESS, s.code(), claim);
        }
        assertEquals(List.of("wffc-dyn@n1"), selected);
    }
}
