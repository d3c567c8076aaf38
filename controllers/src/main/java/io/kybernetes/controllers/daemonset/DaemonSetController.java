package io.kybernetes.controllers.daemonset;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.reconcile.Expectations;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.controllers.reconcile.Semantic;
import io.kybernetes.controllers.replicaset.PodControl;
import io.kybernetes.controllers.replicaset.ReplicaSetController;
import io.kybernetes.controllers.revision.Revisions;

/**
 * One pod per eligible node for each DaemonSet: pods carry a required node affinity on the node's name (the
 * scheduler binds them), stale pods are replaced by RollingUpdate within maxUnavailable, templates are recorded
 * as ControllerRevisions, and the status counts nodes.
 */
public final class DaemonSetController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(DaemonSetController.class);
    public static final String NAME = "daemonset";

    private final SharedIndexInformer<DaemonSet> daemonSets;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Pod> pods;
    private final Revisions revisions;
    private final PodControl podControl;
    private final KubernetesClient client;
    private final Clock clock;
    private final Expectations expectations = new Expectations();
    private final QueueController queue;

    public DaemonSetController(Informers informers, KubernetesClient client, PodControl podControl, Clock clock,
            int workers) {
        this.daemonSets = informers.of(DaemonSet.class);
        this.nodes = informers.of(Node.class);
        this.pods = informers.pods;
        SharedIndexInformer<ControllerRevision> revs = informers.of(ControllerRevision.class);
        this.revisions = new Revisions(revs, client);
        this.podControl = podControl;
        this.client = client;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(daemonSets, nodes, pods, revs);
        daemonSets.addEventHandler(queue.ownKeyHandler());
        nodes.addEventHandler(queue.handler((Node n) -> daemonSets.getIndexer().list().stream()
                .map(QueueController::key).toList()));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                ownerKey(p).ifPresent(k -> {
                    expectations.creationObserved(k);
                    queue.enqueue(k);
                });
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                if (p.getMetadata().getDeletionTimestamp() != null && old.getMetadata().getDeletionTimestamp() == null) {
                    ownerKey(p).ifPresent(expectations::deletionObserved);
                }
                ownerKey(p).ifPresent(queue::enqueue);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                ownerKey(p).ifPresent(k -> {
                    if (p.getMetadata().getDeletionTimestamp() == null) {
                        expectations.deletionObserved(k);
                    }
                    queue.enqueue(k);
                });
            }
        });
    }

    public QueueController queue() {
        return queue;
    }

    private static Optional<String> ownerKey(Pod p) {
        return Owners.controllerOf(p).filter(r -> "DaemonSet".equals(r.getKind()))
                .map(r -> p.getMetadata().getNamespace() + "/" + r.getName());
    }

    /** The node a daemon pod is for: its binding, else its required affinity on metadata.name. */
    static String targetNode(Pod p) {
        if (p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty()) {
            return p.getSpec().getNodeName();
        }
        Affinity a = p.getSpec().getAffinity();
        if (a == null || a.getNodeAffinity() == null
                || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return null;
        }
        for (NodeSelectorTerm t : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()) {
            for (NodeSelectorRequirement r : t.getMatchFields() == null ? List.<NodeSelectorRequirement>of()
                    : t.getMatchFields()) {
                if (r.getKey().equals("metadata.name") && "In".equals(r.getOperator()) && r.getValues().size() == 1) {
                    return r.getValues().get(0);
                }
            }
        }
        return null;
    }

    @Override
    public Result reconcile(String key) {
        DaemonSet cached = daemonSets.getIndexer().getByKey(key);
        if (cached == null) {
            expectations.delete(key);
            return Result.done();
        }
        DaemonSet ds = new DaemonSetBuilder(cached).build();
        if (ds.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        String hash = revisions.ensure(ds, "apps/v1", "DaemonSet", ds.getSpec().getSelector(),
                ds.getSpec().getTemplate());
        Map<String, List<Pod>> byNode = new LinkedHashMap<>();
        for (Pod p : pods.getIndexer().byIndex(Informers.BY_OWNER_UID, ds.getMetadata().getUid())) {
            if (Owners.isControlledBy(p, ds) && p.getMetadata().getDeletionTimestamp() == null) {
                String n = targetNode(p);
                if (n != null) {
                    byNode.computeIfAbsent(n, x -> new ArrayList<>()).add(p);
                }
            }
        }
        Instant now = clock.instant();
        int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
        List<String> create = new ArrayList<>();
        List<Pod> delete = new ArrayList<>();
        int desired = 0;
        int current = 0;
        int misscheduled = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        List<Pod> stale = new ArrayList<>();
        int unavailable = 0;
        Map<String, Node> nodeByName = new HashMap<>();
        for (Node node : nodes.getIndexer().list()) {
            nodeByName.put(node.getMetadata().getName(), node);
            boolean run = NodeEligibility.shouldRun(ds.getSpec().getTemplate().getSpec(), node);
            List<Pod> onNode = byNode.getOrDefault(node.getMetadata().getName(), List.of());
            if (!run) {
                if (!onNode.isEmpty()) {
                    misscheduled++;
                    delete.addAll(onNode);
                }
                continue;
            }
            desired++;
            List<Pod> failed = onNode.stream().filter(p -> "Failed".equals(phase(p))).toList();
            delete.addAll(failed);
            List<Pod> live = new ArrayList<>(onNode.stream().filter(p -> !"Failed".equals(phase(p))).toList());
            if (live.isEmpty()) {
                create.add(node.getMetadata().getName());
                unavailable++;
                continue;
            }
            current++;
            live.sort(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp() == null ? ""
                    : p.getMetadata().getCreationTimestamp()));
            delete.addAll(live.subList(1, live.size())); // keep the oldest
            Pod p = live.get(0);
            boolean isReady = PodState.ready(p);
            boolean isAvailable = PodState.available(p, minReady, now);
            ready += isReady ? 1 : 0;
            available += isAvailable ? 1 : 0;
            unavailable += isAvailable ? 0 : 1;
            if (hash.equals(labelOf(p, Revisions.HASH_LABEL))) {
                updated++;
            } else {
                stale.add(p);
            }
        }
        for (Map.Entry<String, List<Pod>> e : byNode.entrySet()) {
            if (!nodeByName.containsKey(e.getKey())) {
                delete.addAll(e.getValue()); // node gone
            }
        }
        // Rolling update: replace stale pods, unavailable ones first, within maxUnavailable.
        String strategy = ds.getSpec().getUpdateStrategy() == null || ds.getSpec().getUpdateStrategy().getType() == null
                ? "RollingUpdate" : ds.getSpec().getUpdateStrategy().getType();
        if (strategy.equals("RollingUpdate") && !stale.isEmpty()) {
            IntOrString mu = ds.getSpec().getUpdateStrategy() == null
                    || ds.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
                    : ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
            int maxUnavailable = scaled(mu, desired, 1);
            stale.sort(Comparator.comparing((Pod p) -> PodState.available(p, minReady, now)));
            int budget = maxUnavailable - unavailable;
            for (Pod p : stale) {
                if (!PodState.available(p, minReady, now)) {
                    delete.add(p); // already unavailable: replacing it costs nothing
                } else if (budget > 0) {
                    delete.add(p);
                    budget--;
                }
            }
        }
        if (expectations.satisfied(key)) {
            if (!delete.isEmpty()) {
                expectations.expectDeletions(key, delete.size());
                LOG.infof("daemonset %s: deleting %d pods", key, delete.size());
                delete.forEach(podControl::deletePod);
            }
            if (!create.isEmpty()) {
                expectations.expectCreations(key, create.size());
                LOG.infof("daemonset %s: creating pods for nodes %s", key, create);
                int done = 0;
                try {
                    for (String n : create) {
                        podControl.createPod(newPod(ds, n, hash));
                        done++;
                    }
                } finally {
                    for (int i = done; i < create.size(); i++) {
                        expectations.creationObserved(key);
                    }
                }
            }
        }
        revisions.prune(ds, ds.getSpec().getRevisionHistoryLimit() == null ? 10
                : ds.getSpec().getRevisionHistoryLimit(), List.of(hash));
        DaemonSetStatus status = new DaemonSetStatusBuilder(ds.getStatus() == null ? new DaemonSetStatus()
                : ds.getStatus()).withDesiredNumberScheduled(desired).withCurrentNumberScheduled(current)
                .withNumberMisscheduled(misscheduled).withNumberReady(ready).withNumberAvailable(available)
                .withNumberUnavailable(desired - available).withUpdatedNumberScheduled(updated)
                .withObservedGeneration(ds.getMetadata().getGeneration()).build();
        if (!Semantic.equal(ds.getStatus(), status)) {
            client.apps().daemonSets().resource(new DaemonSetBuilder(ds).withStatus(status).build()).updateStatus();
        }
        if (minReady > 0 && ready > available) {
            return Result.requeueAfter(java.time.Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    static int scaled(IntOrString v, int total, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal();
        if (s.endsWith("%")) {
            // maxUnavailable percentages round up, and at least one pod may be unavailable
            return Math.max(1, (int) Math.ceil(total * Integer.parseInt(s.substring(0, s.length() - 1)) / 100.0));
        }
        return Integer.parseInt(s);
    }

    private static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    private static String labelOf(Pod p, String label) {
        return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(label);
    }

    /** A daemon pod for {@code node}: template labels plus the revision hash, node-name affinity, tolerations. */
    static Pod newPod(DaemonSet ds, String node, String hash) {
        var t = ds.getSpec().getTemplate();
        Map<String, String> labels = new HashMap<>(t.getMetadata() == null || t.getMetadata().getLabels() == null
                ? Map.of() : t.getMetadata().getLabels());
        labels.put(Revisions.HASH_LABEL, hash);
        PodSpec spec = new PodSpecBuilder(t.getSpec()).build();
        Affinity affinity = spec.getAffinity() == null ? new Affinity() : new AffinityBuilder(spec.getAffinity())
                .build();
        var nodeAffinity = affinity.getNodeAffinity() == null ? new io.fabric8.kubernetes.api.model.NodeAffinity()
                : affinity.getNodeAffinity();
        nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(new io.fabric8.kubernetes.api.model
                .NodeSelectorBuilder().addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name")
                .withOperator("In").withValues(node).endMatchField().endNodeSelectorTerm().build());
        affinity.setNodeAffinity(nodeAffinity);
        spec.setAffinity(affinity);
        spec.setTolerations(NodeEligibility.withDefaults(spec));
        String prefix = ds.getMetadata().getName() + "-";
        Map<String, String> annotations = t.getMetadata() == null ? null : t.getMetadata().getAnnotations();
        return new PodBuilder().withNewMetadata().withGenerateName(prefix)
                .withName(prefix + ReplicaSetController.randomSuffix()).withNamespace(ds.getMetadata().getNamespace())
                .withLabels(labels).withAnnotations(annotations == null || annotations.isEmpty() ? null
                        : new HashMap<>(annotations))
                .withOwnerReferences(Owners.controllerRef(ds, "apps/v1", "DaemonSet")).endMetadata()
                .withSpec(spec).build();
    }

}
