package io.kybernetes.kubelet.hollow;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The hollow nodes' container runtime: nothing runs, but a pod bound to one of the fleet's nodes is reported
 * Running and Ready (with an address from its node's pod CIDR) {@code startDelay} after the kubelet sees it, and a
 * pod being deleted is removed at once (DELETE with gracePeriodSeconds=0 and a uid precondition, as the kubelet
 * does after stopping the containers). One informer on all pods serves the whole fleet; the handlers only enqueue
 * keys, and the writer pool does the API calls, one in flight per pod.
 * <p>
 * A negative {@code startDelay} leaves bound pods alone, as the plain Node objects of upstream's scheduler_perf
 * (no kubelet at all): no pod informer, no status write, and a deleted pod stays terminating. Scheduler benchmarks
 * use it so that only the scheduler's own work is measured.
 */
final class FakeRuntime {

    private static final Logger LOG = Logger.getLogger(FakeRuntime.class);

    private final KubernetesClient client;
    private final HollowFleet fleet;
    private final List<HollowNode> nodes;
    private final Duration startDelay;
    private final ExecutorService writers;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    final AtomicLong started = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    private volatile SharedIndexInformer<Pod> informer;
    private volatile boolean leavingPodsAlone;

    FakeRuntime(KubernetesClient client, HollowFleet fleet, List<HollowNode> nodes, Duration startDelay,
                ExecutorService writers, ScheduledExecutorService timer, Clock clock) {
        this.client = client;
        this.fleet = fleet;
        this.nodes = nodes;
        this.startDelay = startDelay;
        this.writers = writers;
        this.timer = timer;
        this.clock = clock;
    }

    /** Whether bound pods are left alone (a negative start delay). */
    boolean leavesPodsAlone() {
        return startDelay.isNegative();
    }

    void start() {
        if (leavesPodsAlone()) {
            leavingPodsAlone = true;
            LOG.info("hollow nodes leave their pods alone (negative start delay): no pod watch, no pod status");
            return;
        }
        informer = client.pods().inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observe(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                observe(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
            }
        });
        informer.start();
    }

    boolean synced() {
        return leavingPodsAlone || informer != null && informer.hasSynced();
    }

    void stop() {
        if (informer != null) {
            informer.stop();
        }
    }

    private void observe(Pod pod) {
        if (fleet.index(pod.getSpec() == null ? null : pod.getSpec().getNodeName()) < 0 || !needsWork(pod)) {
            return;
        }
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (!pending.add(key)) {
            return;
        }
        long delay = pod.getMetadata().getDeletionTimestamp() != null ? 0 : startDelay.toMillis();
        timer.schedule(() -> writers.execute(() -> sync(key)), delay, TimeUnit.MILLISECONDS);
    }

    private static boolean needsWork(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && !HollowPodStatus.isRunning(pod);
    }

    private void sync(String key) {
        pending.remove(key);
        Pod pod = informer.getIndexer().getByKey(key);
        if (pod == null) {
            return;
        }
        int i = fleet.index(pod.getSpec().getNodeName());
        if (i < 0 || !needsWork(pod)) {
            return;
        }
        try {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                delete(pod);
            } else {
                HollowNode node = nodes.get(i);
                String ip = fleet.podIp(i, node.podSeq.getAndIncrement());
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(new PodBuilder(pod)
                        .withStatus(HollowPodStatus.running(pod, node.ip, ip, clock.instant())).build())
                        .updateStatus();
                started.incrementAndGet();
            }
        } catch (KubernetesClientException e) {
            // 409: the pod changed meanwhile; its update event brings it back. Anything else: retry shortly.
            if (e.getCode() != 409 && e.getCode() != 404) {
                LOG.debugf("pod %s: %s", key, e.getMessage());
                if (pending.add(key)) {
                    timer.schedule(() -> writers.execute(() -> sync(key)), 1, TimeUnit.SECONDS);
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("pod %s: %s", key, e.toString());
            if (pending.add(key)) {
                timer.schedule(() -> writers.execute(() -> sync(key)), 1, TimeUnit.SECONDS);
            }
        }
    }

    private void delete(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        // DeleteOptions with a uid precondition: fabric8's delete() has no way to send preconditions.
        String body = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
                + "\"preconditions\":{\"uid\":\"" + pod.getMetadata().getUid() + "\"}}";
        var http = client.getHttpClient();
        var req = http.newHttpRequestBuilder()
                .uri(client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + ns + "/pods/" + name)
                .method("DELETE", "application/json", body).build();
        try {
            int code = http.sendAsync(req, String.class).get(30, TimeUnit.SECONDS).code();
            if (code >= 300 && code != 404 && code != 409) {
                throw new IllegalStateException("final delete of " + ns + "/" + name + " answered " + code);
            }
            deleted.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("final delete of " + ns + "/" + name + " failed: " + e, e);
        }
    }
}
