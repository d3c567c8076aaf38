package io.kybernetes.scheduler.scheduling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.kybernetes.scheduler.cache.SchedulerCache;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Priorities;
import io.kybernetes.scheduler.framework.Status;
import io.kybernetes.scheduler.queue.QueuedPod;
import io.kybernetes.scheduler.queue.SchedulingQueue;

/**
 * The scheduling loop: takes a pending pod from the queue, runs the framework over a cache snapshot, assumes the
 * pod onto the chosen node and binds it; or reports why it fits nowhere. Informer handlers only update the
 * cache and the queue.
 */
public final class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class);
    /** An unchanged FailedScheduling event is not repeated more often than this. */
    private static final long EVENT_REPEAT_NANOS = Duration.ofMinutes(1).toNanos();

    /** Plugins a newly placed or relabelled pod may satisfy (affinity to it, spreading with it). */
    static final java.util.Set<String> POD_PLACEMENT_PLUGINS = java.util.Set.of("InterPodAffinity",
            "PodTopologySpread");

    private final Map<String, Framework> profiles;
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final ApiWriter api;
    private final PriorityResolver priorities;
    private final Map<String, String> lastFailure = new HashMap<>();
    /** Pending pods nominated to a node by preemption, by uid, with status.nominatedNodeName set. */
    private final Map<String, Pod> nominated = new HashMap<>();
    private final Map<String, Long> lastFailureAt = new HashMap<>();
    private boolean stopped;
    private boolean synced;
    private boolean leading = true;
    /** Told the result of every attempt: scheduled, unschedulable or error (as upstream's metric labels). */
    private volatile BiConsumer<String, String> attempts = (profile, result) -> { };
    private volatile Thread thread;
    /** Runs binding cycles; the caller's thread unless {@link #bindWith} set a pool. */
    private volatile java.util.concurrent.Executor binder = Runnable::run;

    public Scheduler(String schedulerName, SchedulerCache cache, SchedulingQueue queue, Framework framework,
            ApiWriter api) {
        this(Map.of(schedulerName, framework), cache, queue, api, Listers.NONE);
    }

    /** A scheduler serving several profiles, by schedulerName. */
    public Scheduler(Map<String, Framework> profiles, SchedulerCache cache, SchedulingQueue queue, ApiWriter api,
            Listers listers) {
        this.profiles = Map.copyOf(profiles);
        this.cache = cache;
        this.queue = queue;
        this.api = api;
        this.priorities = new PriorityResolver(listers);
    }

    /** A cluster event (claim bound, volume added...) may have made room: retry the unschedulable pods. */
    public void clusterChanged() {
        queue.moveAllToActiveOrBackoff();
    }

    /** Binding cycles run on {@code executor} (a bounded pool) instead of the scheduling loop's thread. */
    public Scheduler bindWith(java.util.concurrent.Executor executor) {
        this.binder = executor;
        return this;
    }

    /** Told (profile, result) of every attempt, result as upstream's metric label. */
    public void onAttempt(BiConsumer<String, String> observer) {
        this.attempts = observer;
    }

    public ResourceEventHandler<Pod> podHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (assigned(pod)) {
                    cache.putPod(priorities.resolve(pod));
                    queue.moveOnEvent(POD_PLACEMENT_PLUGINS);
                } else if (responsible(pod)) {
                    Pod resolved = priorities.resolve(pod);
                    nominate(resolved, nominatedNode(resolved));
                    queue.add(resolved);
                }
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                Pod pod = priorities.resolve(newPod);
                if (assigned(pod)) {
                    queue.delete(pod);
                    nominate(pod, null);
                    cache.putPod(pod);
                    if (!assigned(oldPod) || !java.util.Objects.equals(oldPod.getMetadata().getLabels(),
                            pod.getMetadata().getLabels())) {
                        queue.moveOnEvent(POD_PLACEMENT_PLUGINS); // a binding seen, or new labels
                    }
                    if (terminal(pod) && !terminal(oldPod)) {
                        queue.moveAllToActiveOrBackoff();
                    }
                } else if (responsible(pod)) {
                    nominate(pod, nominatedNode(pod));
                    queue.update(pod);
                } else {
                    nominate(pod, null);
                    queue.delete(pod);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                if (assigned(pod) || cache.isAssumed(pod)) {
                    cache.removePod(pod);
                    queue.moveAllToActiveOrBackoff();
                }
                queue.delete(pod);
                nominate(pod, null);
                forgetFailure(pod);
            }
        };
    }

    public ResourceEventHandler<Node> nodeHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                cache.putNode(node);
                queue.moveAllToActiveOrBackoff();
            }

            @Override
            public void onUpdate(Node oldNode, Node node) {
                cache.putNode(node);
                queue.moveAllToActiveOrBackoff();
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                cache.removeNode(node);
            }
        };
    }

    /** The caches have synced: schedule while leading (always, without leader election). */
    public synchronized void start() {
        synced = true;
        maybeRun();
    }

    /** Leader election: only the leader runs the scheduling loop; a standby keeps its caches warm. */
    public synchronized void setLeading(boolean leading) {
        this.leading = leading;
        if (leading) {
            maybeRun();
        } else {
            halt();
        }
    }

    public synchronized boolean isRunning() {
        return thread != null;
    }

    private void maybeRun() {
        if (stopped || !synced || !leading || thread != null) {
            return;
        }
        Thread t = new Thread(() -> loop(Thread.currentThread()), "scheduler-loop");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void halt() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
    }

    public synchronized void stop() {
        stopped = true;
        queue.close();
        halt();
    }

    private void loop(Thread self) {
        while (thread == self) {
            try {
                QueuedPod q = queue.pop(Duration.ofSeconds(1));
                if (q == null) {
                    continue;
                }
                if (thread != self) {
                    queue.addBackoff(q.pod()); // lost leadership meanwhile: leave it to the next leader
                    return;
                }
                try {
                    scheduleOne(q.pod());
                } catch (RuntimeException e) {
                    LOG.errorf(e, "error scheduling %s; retrying after back-off", SchedulingQueue.key(q.pod()));
                    cache.forget(q.pod());
                    queue.addBackoff(q.pod());
                    attempts.accept(profileOf(q.pod()), "error");
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One scheduling cycle for a pod popped from the queue. */
    public void scheduleOne(Pod pod) {
        String key = SchedulingQueue.key(pod);
        if (cache.isPlaced(pod) || pod.getMetadata().getDeletionTimestamp() != null) {
            queue.done(pod);
            return;
        }
        Framework framework = profiles.get(profileOf(pod));
        if (framework == null) {
            queue.done(pod);
            return;
        }
        Framework.Result result = framework.schedule(pod, withNominatedPods(pod, cache.snapshot()));
        if (!result.scheduled()) {
            String message = result.fitError().message();
            LOG.infof("unable to schedule pod %s: %s", key, message);
            if (result.nominatedNode() != null) {
                LOG.infof("pod %s nominated to node %s by preemption", key, result.nominatedNode());
                nominate(pod, result.nominatedNode());
                clearLowerNominations(pod, result.nominatedNode());
            }
            queue.addUnschedulable(pod, result.fitError().unschedulablePlugins());
            attempts.accept(profileOf(pod), "unschedulable");
            reportFailure(pod, message, result.nominatedNode(), framework.profileName());
            return;
        }
        String node = result.node();
        Status preBind = framework.runPreBind(result.state(), pod, node);
        if (preBind.code() == Status.Code.UNSCHEDULABLE) {
            LOG.infof("pod %s waits before binding to %s: %s", key, node, String.join(", ", preBind.reasons()));
            queue.addUnschedulable(pod, java.util.Set.of(preBind.plugin()));
            return;
        } else if (!preBind.isSuccess()) {
            LOG.warnf("pre-binding %s to %s failed: %s", key, node, preBind.reasons());
            queue.addBackoff(pod);
            attempts.accept(profileOf(pod), "error");
            return;
        }
        cache.assume(pod, node);
        // The binding cycle runs beside the scheduling loop, as upstream's goroutine per bind: the assumed pod
        // already counts on its node, so the next cycle need not wait for the API server's answer.
        binder.execute(() -> bind(pod, key, node, framework.profileName()));
    }

    /** The binding cycle: POST the Binding, then record the outcome (forget the assumption on failure). */
    private void bind(Pod pod, String key, String node, String profile) {
        try {
            api.bind(pod, node);
        } catch (KubernetesClientException e) {
            cache.forget(pod);
            if (e.getCode() == 404 || e.getCode() == 409) {
                LOG.infof("not binding %s: %s", key, e.getStatus() == null ? e.getMessage()
                        : e.getStatus().getMessage());
                queue.done(pod);
                return;
            }
            LOG.warnf("binding %s to %s failed: %s", key, node, e.getMessage());
            queue.addBackoff(pod);
            attempts.accept(profileOf(pod), "error");
            reportFailure(pod, "Binding rejected: " + e.getMessage(), null, profile);
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "error binding %s; retrying after back-off", key);
            cache.forget(pod);
            queue.addBackoff(pod);
            attempts.accept(profileOf(pod), "error");
            return;
        }
        queue.done(pod);
        nominate(pod, null);
        attempts.accept(profileOf(pod), "scheduled");
        forgetFailure(pod);
        LOG.infof("Successfully assigned %s to %s", key, node);
        try {
            api.event(pod, "Normal", "Scheduled", "Successfully assigned " + key + " to " + node);
        } catch (KubernetesClientException e) {
            LOG.debugf("could not record Scheduled event for %s: %s", key, e.getMessage());
        }
    }

    static String nominatedNode(Pod pod) {
        String n = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        return n == null || n.isEmpty() ? null : n;
    }

    /** Records (or, with a null node, forgets) the node a pending pod is nominated to by preemption. */
    private void nominate(Pod pod, String node) {
        synchronized (nominated) {
            if (node == null) {
                nominated.remove(pod.getMetadata().getUid());
            } else {
                nominated.put(pod.getMetadata().getUid(), new PodBuilder(pod).editOrNewStatus()
                        .withNominatedNodeName(node).endStatus().build());
            }
        }
    }

    /** Lower-priority pods nominated to the node lose their nomination (upstream's PrepareCandidate). */
    private void clearLowerNominations(Pod preemptor, String node) {
        List<Pod> lower = new ArrayList<>();
        synchronized (nominated) {
            for (Pod p : nominated.values()) {
                if (node.equals(p.getStatus().getNominatedNodeName())
                        && !p.getMetadata().getUid().equals(preemptor.getMetadata().getUid())
                        && Priorities.of(p) < Priorities.of(preemptor)) {
                    lower.add(p);
                }
            }
        }
        for (Pod p : lower) {
            nominate(p, null);
            try {
                api.clearNomination(p);
            } catch (KubernetesClientException e) {
                LOG.debugf("could not clear the nomination of %s: %s", SchedulingQueue.key(p), e.getMessage());
            }
        }
    }

    /**
     * As upstream, pods nominated to a node with at least the priority of {@code pod} count as already there, so
     * the room preemption freed for them is not taken by another pod.
     */
    List<NodeInfo> withNominatedPods(Pod pod, List<NodeInfo> snapshot) {
        Map<String, List<Pod>> byNode = new HashMap<>();
        synchronized (nominated) {
            if (nominated.isEmpty()) {
                return snapshot;
            }
            int prio = Priorities.of(pod);
            for (Pod n : nominated.values()) {
                if (!n.getMetadata().getUid().equals(pod.getMetadata().getUid()) && Priorities.of(n) >= prio) {
                    byNode.computeIfAbsent(n.getStatus().getNominatedNodeName(), k -> new ArrayList<>()).add(n);
                }
            }
        }
        if (byNode.isEmpty()) {
            return snapshot;
        }
        List<NodeInfo> out = new ArrayList<>(snapshot.size());
        for (NodeInfo n : snapshot) {
            List<Pod> extra = byNode.get(n.name());
            if (extra == null) {
                out.add(n);
            } else {
                List<Pod> pods = new ArrayList<>(n.pods());
                extra.forEach(p -> pods.add(new PodBuilder(p).editSpec().withNodeName(n.name()).endSpec().build()));
                out.add(new NodeInfo(n.node(), pods));
            }
        }
        return out;
    }

    private void reportFailure(Pod pod, String message, String nominatedNode, String profile) {
        String uid = pod.getMetadata().getUid();
        long now = System.nanoTime();
        boolean repeat;
        synchronized (lastFailure) {
            repeat = message.equals(lastFailure.get(uid)) && now - lastFailureAt.get(uid) < EVENT_REPEAT_NANOS;
            if (!repeat) {
                lastFailure.put(uid, message);
                lastFailureAt.put(uid, now);
            }
        }
        try {
            api.markUnschedulable(pod, message, nominatedNode);
            if (!repeat) {
                api.event(pod, "Warning", "FailedScheduling", message);
            }
        } catch (KubernetesClientException e) {
            LOG.debugf("could not report scheduling failure of %s: %s", SchedulingQueue.key(pod), e.getMessage());
        }
    }

    private void forgetFailure(Pod pod) {
        synchronized (lastFailure) {
            lastFailure.remove(pod.getMetadata().getUid());
            lastFailureAt.remove(pod.getMetadata().getUid());
        }
    }

    static String profileOf(Pod pod) {
        String name = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
        return name == null || name.isEmpty() ? "default-scheduler" : name;
    }

    boolean responsible(Pod pod) {
        return profiles.containsKey(profileOf(pod)) && pod.getMetadata().getDeletionTimestamp() == null
                && !terminal(pod);
    }

    static boolean assigned(Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    }

    static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
