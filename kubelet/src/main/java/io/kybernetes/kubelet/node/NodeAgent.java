package io.kybernetes.kubelet.node;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Registers this node, posts its status and renews its lease in kube-node-lease. */
public final class NodeAgent {

    private static final Logger LOG = Logger.getLogger(NodeAgent.class);
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    public static final int LEASE_SECONDS = 40;
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final String nodeName;
    private final String nodeIp;
    private final String podCidr;
    private final int kubeletPort;
    private final Supplier<MachineInfo> machine;
    private final Supplier<String> runtimeVersion;
    private volatile Supplier<HostPressure> pressure = () -> HostPressure.NONE;
    private volatile Supplier<java.util.List<io.fabric8.kubernetes.api.model.ContainerImage>> images;
    private final Clock clock;

    public NodeAgent(KubernetesClient client, String nodeName, String nodeIp, String podCidr, int kubeletPort,
                     Supplier<MachineInfo> machine, Supplier<String> runtimeVersion, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.nodeIp = nodeIp;
        this.podCidr = podCidr;
        this.kubeletPort = kubeletPort;
        this.machine = machine;
        this.runtimeVersion = runtimeVersion;
        this.clock = clock;
    }

    public String nodeName() {
        return nodeName;
    }

    /** Creates the Node or brings its labels and podCIDR up to date, then posts its status. */
    public void register() {
        Node existing = client.nodes().withName(nodeName).get();
        if (existing == null) {
            Node node = new NodeBuilder()
                    .withNewMetadata().withName(nodeName).withLabels(NodeFactory.labels(nodeName)).endMetadata()
                    .withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec()
                    .build();
            client.nodes().resource(node).create();
            LOG.infof("registered node %s (%s)", nodeName, nodeIp);
        } else {
            Node updated = new NodeBuilder(existing).editMetadata().addToLabels(NodeFactory.labels(nodeName)).endMetadata()
                    .build();
            if (updated.getSpec() == null || updated.getSpec().getPodCIDR() == null) {
                updated = new NodeBuilder(updated).editOrNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec()
                        .build();
            }
            if (!updated.equals(existing)) {
                client.nodes().resource(updated).update();
            }
            LOG.infof("node %s already registered; updated", nodeName);
        }
        postStatus();
    }

    /** Posts a fresh status (heartbeat). */
    /** Where the node's Memory/Disk/PIDPressure conditions come from. */
    public void setPressure(Supplier<HostPressure> pressure) {
        this.pressure = pressure;
    }

    /** Where the node's status.images come from (null: keep what the Node has). */
    public void setImages(Supplier<java.util.List<io.fabric8.kubernetes.api.model.ContainerImage>> images) {
        this.images = images;
    }

    public void postStatus() {
        for (int attempt = 0; attempt < 3; attempt++) {
            Node node = client.nodes().withName(nodeName).get();
            if (node == null) {
                register();
                return;
            }
            NodeStatus status = NodeFactory.status(machine.get(), pressure.get(), nodeName, nodeIp, kubeletPort,
                    runtimeVersion.get(), node.getStatus(), clock.instant());
            if (images != null) {
                try {
                    status.setImages(images.get());
                } catch (RuntimeException e) {
                    LOG.debugf("node images not updated: %s", e.toString());
                }
            }
            try {
                client.nodes().resource(new NodeBuilder(node).withStatus(status).build()).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    /** Creates or renews the node's Lease. */
    public void renewLease() {
        Instant now = clock.instant();
        String renew = MICRO_TIME.format(now);
        var leases = client.leases().inNamespace(LEASE_NAMESPACE);
        Lease lease = leases.withName(nodeName).get();
        if (lease == null) {
            Node node = client.nodes().withName(nodeName).get();
            LeaseBuilder b = new LeaseBuilder()
                    .withNewMetadata().withName(nodeName).withNamespace(LEASE_NAMESPACE).endMetadata()
                    .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(java.time.ZonedDateTime.ofInstant(now, ZoneOffset.UTC)).endSpec();
            if (node != null) {
                b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                        .withName(nodeName).withUid(node.getMetadata().getUid()).build()).endMetadata();
            }
            leases.resource(b.build()).create();
            LOG.debugf("created lease %s/%s at %s", LEASE_NAMESPACE, nodeName, renew);
        } else {
            Lease updated = new LeaseBuilder(lease).editSpec().withHolderIdentity(nodeName)
                    .withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(java.time.ZonedDateTime.ofInstant(now, ZoneOffset.UTC)).endSpec().build();
            leases.resource(updated).update();
        }
    }
}
