package io.kybernetes.controllers.nodelifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Times;

/**
 * Node health from kubelet heartbeats (the node's Lease in kube-node-lease and its Ready condition): a node not
 * heard from for the grace period (40 s) gets Ready=Unknown ("Kubelet stopped posting node status.") and the
 * {@code node.kubernetes.io/unreachable:NoExecute} taint; a node reporting NotReady gets
 * {@code node.kubernetes.io/not-ready:NoExecute}; pods on a NoExecute-tainted node are deleted once their
 * toleration runs out (the API server's default toleration is 300 s). Heartbeats are timed by when this
 * controller saw them change, not by the kubelet's clock, as upstream.
 */
public final class NodeLifecycleController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(NodeLifecycleController.class);
    public static final String NAME = "nodelifecycle";
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    static final Duration GRACE = Duration.ofSeconds(40);

    private record Seen(String heartbeat, Instant at) {
    }

    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Lease> leases;
    private final SharedIndexInformer<Pod> pods;
    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final QueueController queue;

    public NodeLifecycleController(Informers informers, KubernetesClient client, Clock clock, int workers) {
        this.nodes = informers.of(Node.class);
        this.leases = informers.of(Lease.class);
        this.pods = informers.pods;
        this.client = client;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(nodes, leases, pods);
        nodes.addEventHandler(queue.ownKeyHandler());
        leases.addEventHandler(queue.handler((Lease l) -> LEASE_NAMESPACE.equals(l.getMetadata().getNamespace())
                ? List.of(l.getMetadata().getName()) : List.of()));
    }

    public QueueController queue() {
        return queue;
    }

    private String heartbeat(Node node) {
        Lease lease = leases.getIndexer().getByKey(LEASE_NAMESPACE + "/" + node.getMetadata().getName());
        Object renew = lease == null || lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
        NodeCondition ready = condition(node, "Ready");
        return renew + "|" + (ready == null ? null : ready.getLastHeartbeatTime() + "/" + ready.getStatus());
    }

    static NodeCondition condition(Node n, String type) {
        if (n.getStatus() == null || n.getStatus().getConditions() == null) {
            return null;
        }
        return n.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    @Override
    public Result reconcile(String name) {
        Node cached = nodes.getIndexer().getByKey(name);
        if (cached == null) {
            seen.remove(name);
            return Result.done();
        }
        Instant now = clock.instant();
        String hb = heartbeat(cached);
        Seen s = seen.compute(name, (k, old) -> old == null || !Objects.equals(old.heartbeat(), hb)
                ? new Seen(hb, now) : old);
        Node node = new NodeBuilder(cached).build();
        Duration silent = Duration.between(s.at(), now);
        NodeCondition ready = condition(node, "Ready");
        String readyStatus = ready == null ? "Unknown" : ready.getStatus();
        if (silent.compareTo(GRACE) > 0 && !"Unknown".equals(readyStatus)) {
            markUnknown(node, now);
            readyStatus = "Unknown";
        }
        // Taints follow the Ready status.
        String want = Taints.wanted(readyStatus);
        List<Taint> taints = new ArrayList<>(node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of() : node.getSpec().getTaints());
        boolean changed = taints.removeIf(t -> "NoExecute".equals(t.getEffect())
                && (Taints.NOT_READY.equals(t.getKey()) || Taints.UNREACHABLE.equals(t.getKey()))
                && !t.getKey().equals(want));
        if (want != null && taints.stream().noneMatch(t -> want.equals(t.getKey()) && "NoExecute".equals(t.getEffect()))) {
            taints.add(new TaintBuilder().withKey(want).withEffect("NoExecute").withTimeAdded(Times.format(now))
                    .build());
            changed = true;
        }
        if (changed) {
            LOG.infof("node %s: Ready=%s, taints now %s", name, readyStatus,
                    taints.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList());
            Node fresh = client.nodes().withName(name).get();
            if (fresh == null) {
                return Result.done();
            }
            client.nodes().resource(new NodeBuilder(fresh).editOrNewSpec().withTaints(taints).endSpec().build())
                    .update();
        }
        // Evictions.
        Instant next = "True".equals(readyStatus) ? s.at().plus(GRACE) : null;
        if (want != null) {
            for (Pod p : pods.getIndexer().list()) {
                if (!name.equals(p.getSpec().getNodeName()) || p.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                Instant at = Taints.evictionTime(p, taints, now);
                if (at == null) {
                    continue;
                }
                if (!at.isAfter(now)) {
                    LOG.infof("node %s: evicting pod %s/%s (NoExecute taint %s)", name,
                            p.getMetadata().getNamespace(), p.getMetadata().getName(), want);
                    try {
                        client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                                .delete();
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 404) {
                            throw e;
                        }
                    }
                } else if (next == null || at.isBefore(next)) {
                    next = at;
                }
            }
        }
        if (next == null) {
            next = now.plus(GRACE);
        }
        return Result.requeueAfter(Duration.between(now, next).plusMillis(500));
    }

    /** Ready and the pressure conditions become Unknown, as upstream does for a silent kubelet. */
    private void markUnknown(Node node, Instant now) {
        String ts = Times.format(now);
        List<NodeCondition> conds = new ArrayList<>(node.getStatus() == null || node.getStatus().getConditions()
                == null ? List.of() : node.getStatus().getConditions());
        for (String type : List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")) {
            NodeCondition c = conds.stream().filter(x -> type.equals(x.getType())).findFirst().orElse(null);
            if (c == null) {
                c = new NodeCondition();
                c.setType(type);
                conds.add(c);
            }
            if (!"Unknown".equals(c.getStatus())) {
                c.setStatus("Unknown");
                c.setReason("NodeStatusUnknown");
                c.setMessage("Kubelet stopped posting node status.");
                c.setLastTransitionTime(ts);
            }
        }
        LOG.infof("node %s: no heartbeat for more than %d s, Ready=Unknown", node.getMetadata().getName(),
                GRACE.toSeconds());
        client.nodes().resource(new NodeBuilder(node).editOrNewStatus().withConditions(conds).endStatus().build())
                .updateStatus();
    }
}
