package io.kybernetes.controllers.nodeipam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/**
 * Node IPAM, as upstream's range allocator (controller "nodeipam", on with {@code --allocate-node-cidrs}): every
 * Node without spec.podCIDR gets the next free subnet of {@code --cluster-cidr} ({@code --node-cidr-mask-size}
 * bits) in spec.podCIDR and spec.podCIDRs. The subnets in use are recovered from the Nodes as the informer lists
 * them, before any allocation; a deleted Node's subnet is released. When none is left the Node gets a
 * CIDRNotAvailable event and is retried with back-off.
 */
public final class RangeAllocator implements Reconciler {

    private static final Logger LOG = Logger.getLogger(RangeAllocator.class);
    public static final String NAME = "nodeipam";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Upstream's --allocate-node-cidrs, --cluster-cidr, --node-cidr-mask-size, --service-cluster-ip-range. */
    public record Settings(boolean allocateNodeCidrs, String clusterCidr, int nodeCidrMaskSize,
            String serviceClusterIpRange) {
        public static final Settings DISABLED = new Settings(false, "", 24, "");

        /** The allocator's subnet set, or an error saying which flag is wrong. */
        public CidrSet cidrs() {
            if (clusterCidr == null || clusterCidr.isBlank()) {
                throw new IllegalArgumentException("--allocate-node-cidrs needs --cluster-cidr");
            }
            CidrSet set = new CidrSet(clusterCidr.trim(), nodeCidrMaskSize);
            if (serviceClusterIpRange != null && !serviceClusterIpRange.isBlank()) {
                set.occupy(serviceClusterIpRange.trim()); // no node gets a subnet overlapping the service range
            }
            return set;
        }
    }

    private final SharedIndexInformer<Node> nodes;
    private final KubernetesClient client;
    private final EventRecorder events;
    private final CidrSet cidrs;
    /** Subnets this allocator gave to nodes whose update the cache has not shown yet. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final QueueController queue;

    public RangeAllocator(Informers informers, KubernetesClient client, EventRecorder events, CidrSet cidrs,
            int workers) {
        this.nodes = informers.of(Node.class);
        this.client = client;
        this.events = events;
        this.cidrs = cidrs;
        this.queue = new QueueController(NAME, this, workers).dependsOn(nodes);
        // Runs on the informer's thread, for the initial list too: every subnet in use is known before the
        // workers (which start once the informer has synced) allocate anything.
        nodes.addEventHandler(new ResourceEventHandler<Node>() {
            @Override
            public void onAdd(Node node) {
                observe(node);
            }

            @Override
            public void onUpdate(Node oldNode, Node node) {
                observe(node);
            }

            @Override
            public void onDelete(Node node, boolean unknown) {
                String name = node.getMetadata().getName();
                for (String c : podCidrs(node)) {
                    cidrs.release(c);
                    LOG.infof("released pod CIDR %s of deleted node %s", c, name);
                }
                String p = pending.remove(name);
                if (p != null && !podCidrs(node).contains(p)) {
                    cidrs.release(p);
                }
            }
        });
    }

    public QueueController queue() {
        return queue;
    }

    private void observe(Node node) {
        List<String> used = podCidrs(node);
        for (String c : used) {
            if (!cidrs.occupy(c)) {
                LOG.warnf("node %s has pod CIDR %s outside the cluster CIDR", node.getMetadata().getName(), c);
            }
        }
        if (used.isEmpty()) {
            queue.enqueue(node.getMetadata().getName());
        } else {
            String p = pending.remove(node.getMetadata().getName());
            if (p != null && !used.contains(p)) {
                cidrs.release(p); // someone else set the node's subnet first
            }
        }
    }

    static List<String> podCidrs(Node node) {
        List<String> out = new ArrayList<>();
        if (node.getSpec() != null) {
            if (node.getSpec().getPodCIDRs() != null) {
                node.getSpec().getPodCIDRs().stream().filter(c -> c != null && !c.isBlank()).forEach(out::add);
            }
            String one = node.getSpec().getPodCIDR();
            if (one != null && !one.isBlank() && !out.contains(one)) {
                out.add(one);
            }
        }
        return out;
    }

    @Override
    public Result reconcile(String name) {
        Node node = nodes.getIndexer().getByKey(name);
        if (node == null || !podCidrs(node).isEmpty()) {
            return Result.done();
        }
        String cidr = pending.get(name);
        if (cidr == null) {
            Optional<String> next = cidrs.allocateNext();
            if (next.isEmpty()) {
                LOG.warnf("no pod CIDR left in the cluster CIDR for node %s", name);
                events.normal(node, "CIDRNotAvailable", "Node " + name + " status is now: CIDRNotAvailable");
                return Result.requeue();
            }
            cidr = next.get();
            pending.put(name, cidr);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podCIDR", cidr);
        spec.put("podCIDRs", List.of(cidr));
        Map<String, Object> meta = Map.of("resourceVersion", node.getMetadata().getResourceVersion());
        try {
            client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                    JSON.asJson(Map.of("metadata", meta, "spec", spec)));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                pending.remove(name);
                cidrs.release(cidr);
                return Result.done();
            }
            throw e; // 409: the node changed; retried with the same subnet
        }
        LOG.infof("allocated pod CIDR %s to node %s", cidr, name);
        return Result.done();
    }
}
