package io.kybernetes.kubelet.hollow;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kybernetes.kubelet.node.HostPressure;
import io.kybernetes.kubelet.node.NodeAgent;
import io.kybernetes.kubelet.node.NodeFactory;

/**
 * Registration and heartbeats of every hollow node: the Node object, its status (re-posted every status interval,
 * upstream's nodeStatusReportFrequency) and its Lease in kube-node-lease (renewed every lease interval). Each node
 * has its own phase inside the interval plus a jitter of a tenth of it, so 5,000 nodes renew at an even ~500/s
 * rather than all at once; the renewals run on the shared writer pool, one in flight per node.
 */
final class HollowHeartbeats {

    private static final Logger LOG = Logger.getLogger(HollowHeartbeats.class);
    static final String RUNTIME_VERSION = HollowPodStatus.RUNTIME + "://0.1.0";

    private final KubernetesClient client;
    private final HollowFleet fleet;
    private final List<HollowNode> nodes;
    private final Duration leaseInterval;
    private final Duration statusInterval;
    private final ExecutorService writers;
    private final Clock clock;

    HollowHeartbeats(KubernetesClient client, HollowFleet fleet, List<HollowNode> nodes, Duration leaseInterval,
                     Duration statusInterval, ExecutorService writers, Clock clock) {
        this.client = client;
        this.fleet = fleet;
        this.nodes = nodes;
        this.leaseInterval = leaseInterval;
        this.statusInterval = statusInterval;
        this.writers = writers;
        this.clock = clock;
    }

    /** Creates (or adopts) node {@code n}, posts its status and its lease. */
    void register(HollowNode n) {
        Node created;
        try {
            created = client.nodes().resource(new NodeBuilder()
                    .withNewMetadata().withName(n.name).withLabels(fleet.labels(n.index)).endMetadata()
                    .withNewSpec().withPodCIDR(fleet.podCidr(n.index)).withPodCIDRs(fleet.podCidr(n.index)).endSpec()
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            created = client.nodes().withName(n.name).get();
        }
        n.node = created;
        postStatus(n);
        renewLease(n);
        long now = System.nanoTime();
        n.nextLease = now + phase(n, leaseInterval);
        n.nextStatus = now + phase(n, statusInterval);
    }

    /** Node {@code n}'s offset inside an interval, so the fleet's heartbeats are spread evenly over it. */
    private long phase(HollowNode n, Duration interval) {
        return interval.toNanos() * n.index / nodes.size();
    }

    private long jitter(Duration interval) {
        long tenth = interval.toNanos() / 10;
        return tenth <= 0 ? 0 : ThreadLocalRandom.current().nextLong(-tenth / 2, tenth / 2 + 1);
    }

    /** Called every tick: hands the heartbeats that are due to the writer pool. */
    void tick() {
        long now = System.nanoTime();
        for (HollowNode n : nodes) {
            if (n.node == null) {
                continue;
            }
            if (now - n.nextLease >= 0) {
                n.nextLease = now + leaseInterval.toNanos() + jitter(leaseInterval);
                submit(n.leaseBusy, () -> renewLease(n));
            }
            if (now - n.nextStatus >= 0) {
                n.nextStatus = now + statusInterval.toNanos() + jitter(statusInterval);
                submit(n.statusBusy, () -> postStatus(n));
            }
        }
    }

    private void submit(AtomicBoolean busy, Runnable task) {
        if (!busy.compareAndSet(false, true)) {
            return; // the previous heartbeat is still on its way: skip this one, as a slow kubelet would
        }
        writers.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.debugf("heartbeat failed: %s", e.toString());
            } finally {
                busy.set(false);
            }
        });
    }

    void postStatus(HollowNode n) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Node node = n.node;
            if (node == null) {
                node = client.nodes().withName(n.name).get();
                if (node == null) {
                    register(n);
                    return;
                }
            }
            NodeStatus status = NodeFactory.status(fleet.machine(n.index), HostPressure.NONE, n.name, n.ip, 10250,
                    RUNTIME_VERSION, node.getStatus(), clock.instant());
            try {
                n.node = client.nodes().resource(new NodeBuilder(node).withStatus(status).build()).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) {
                    throw e;
                }
                n.node = null; // stale (the node lifecycle controller tainted it, or it was deleted): read it again
            }
        }
    }

    void renewLease(HollowNode n) {
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        var leases = client.leases().inNamespace(NodeAgent.LEASE_NAMESPACE);
        for (int attempt = 0; attempt < 3; attempt++) {
            Lease lease = n.lease;
            try {
                if (lease == null) {
                    lease = leases.withName(n.name).get();
                }
                if (lease == null) {
                    LeaseBuilder b = new LeaseBuilder()
                            .withNewMetadata().withName(n.name).withNamespace(NodeAgent.LEASE_NAMESPACE).endMetadata()
                            .withNewSpec().withHolderIdentity(n.name).withLeaseDurationSeconds(NodeAgent.LEASE_SECONDS)
                            .withRenewTime(now).endSpec();
                    Node node = n.node;
                    if (node != null && node.getMetadata().getUid() != null) {
                        b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
                                .withKind("Node").withName(n.name).withUid(node.getMetadata().getUid()).build())
                                .endMetadata();
                    }
                    n.lease = leases.resource(b.build()).create();
                } else {
                    n.lease = leases.resource(new LeaseBuilder(lease).editSpec().withHolderIdentity(n.name)
                            .withLeaseDurationSeconds(NodeAgent.LEASE_SECONDS).withRenewTime(now).endSpec().build())
                            .update();
                }
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) {
                    throw e;
                }
                n.lease = null;
            }
        }
    }
}
