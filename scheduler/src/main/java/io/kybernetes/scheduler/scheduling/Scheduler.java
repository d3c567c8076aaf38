package io.kybernetes.scheduler.scheduling;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.kybernetes.scheduler.cache.SchedulerCache;
import io.kybernetes.scheduler.framework.Framework;
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

    private final String schedulerName;
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final Framework framework;
    private final ApiWriter api;
    private final Map<String, String> lastFailure = new HashMap<>();
    private final Map<String, Long> lastFailureAt = new HashMap<>();
    private volatile boolean running;
    private boolean stopped;
    /** Told the result of every attempt: scheduled, unschedulable or error (as upstream's metric labels). */
    private volatile Consumer<String> attempts = result -> { };
    private Thread thread;

    public Scheduler(String schedulerName, SchedulerCache cache, SchedulingQueue queue, Framework framework,
            ApiWriter api) {
        this.schedulerName = schedulerName;
        this.cache = cache;
        this.queue = queue;
        this.framework = framework;
        this.api = api;
    }

    public void onAttempt(Consumer<String> observer) {
        this.attempts = observer;
    }

    public ResourceEventHandler<Pod> podHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (assigned(pod)) {
                    cache.putPod(pod);
                } else if (responsible(pod)) {
                    queue.add(pod);
                }
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                if (assigned(pod)) {
                    queue.delete(pod);
                    cache.putPod(pod);
                    if (terminal(pod) && !terminal(oldPod)) {
                        queue.moveAllToActiveOrBackoff();
                    }
                } else if (responsible(pod)) {
                    queue.update(pod);
                } else {
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

    public synchronized void start() {
        if (stopped) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "scheduler-loop");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        stopped = true;
        running = false;
        queue.close();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void loop() {
        while (running) {
            try {
                QueuedPod q = queue.pop(Duration.ofSeconds(1));
                if (q == null) {
                    continue;
                }
                try {
                    scheduleOne(q.pod());
                } catch (RuntimeException e) {
                    LOG.errorf(e, "error scheduling %s; retrying after back-off", SchedulingQueue.key(q.pod()));
                    cache.forget(q.pod());
                    queue.addBackoff(q.pod());
                    attempts.accept("error");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
        Framework.Result result = framework.schedule(pod, cache.snapshot());
        if (!result.scheduled()) {
            String message = result.fitError().message();
            LOG.infof("unable to schedule pod %s: %s", key, message);
            queue.addUnschedulable(pod);
            attempts.accept("unschedulable");
            reportFailure(pod, message);
            return;
        }
        String node = result.node();
        cache.assume(pod, node);
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
            attempts.accept("error");
            reportFailure(pod, "Binding rejected: " + e.getMessage());
            return;
        }
        queue.done(pod);
        attempts.accept("scheduled");
        forgetFailure(pod);
        LOG.infof("Successfully assigned %s to %s", key, node);
        try {
            api.event(pod, "Normal", "Scheduled", "Successfully assigned " + key + " to " + node);
        } catch (KubernetesClientException e) {
            LOG.debugf("could not record Scheduled event for %s: %s", key, e.getMessage());
        }
    }

    private void reportFailure(Pod pod, String message) {
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
            api.markUnschedulable(pod, message);
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

    boolean responsible(Pod pod) {
        String name = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
        return (name == null || name.isEmpty() || name.equals(schedulerName))
                && pod.getMetadata().getDeletionTimestamp() == null && !terminal(pod);
    }

    static boolean assigned(Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    }

    static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
