package io.kybernetes.kubelet.probe;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;

/**
 * Runs readiness and liveness probes of the running containers of this node's pods on their schedule
 * (initialDelaySeconds, periodSeconds, success/failure thresholds). Readiness results feed the pod status; a
 * liveness failure asks for the container to be killed (and restarted per restartPolicy).
 */
public final class ProbeManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProbeManager.class);

    private static final class State {
        Instant next = Instant.EPOCH;
        int successes;
        int failures;
        boolean result;
        boolean running;
    }

    private final Prober prober;
    private final Supplier<List<Pod>> pods;
    private final Consumer<String> podChanged;
    private final BiConsumer<String, String> killContainer;
    private final Clock clock;
    /** key: containerId + "/readiness" or "/liveness" */
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "prober");
        t.setDaemon(true);
        return t;
    });

    public ProbeManager(Prober prober, Supplier<List<Pod>> pods, Consumer<String> podChanged,
                        BiConsumer<String, String> killContainer, Clock clock) {
        this.prober = prober;
        this.pods = pods;
        this.podChanged = podChanged;
        this.killContainer = killContainer;
        this.clock = clock;
    }

    /** Ready as far as the readiness probe is concerned (true when the container has none). */
    public boolean ready(String containerId, Container spec) {
        if (spec.getReadinessProbe() == null) {
            return true;
        }
        State s = states.get(containerId + "/readiness");
        return s != null && s.result;
    }

    /** One scheduling pass; called every second. */
    public void tick() {
        Instant now = clock.instant();
        Set<String> live = new HashSet<>();
        for (Pod pod : pods.get()) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                    || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String podIP = pod.getStatus().getPodIP();
            for (Container c : pod.getSpec().getContainers()) {
                ContainerStatus cs = pod.getStatus().getContainerStatuses().stream()
                        .filter(s -> c.getName().equals(s.getName())).findFirst().orElse(null);
                if (cs == null || cs.getState() == null || cs.getState().getRunning() == null
                        || cs.getContainerID() == null || podIP == null) {
                    continue;
                }
                String id = cs.getContainerID().replaceFirst("^[a-z]+://", "");
                Instant started = Instant.parse(cs.getState().getRunning().getStartedAt());
                schedule(pod, c, id, "readiness", c.getReadinessProbe(), started, now, podIP, live);
                schedule(pod, c, id, "liveness", c.getLivenessProbe(), started, now, podIP, live);
            }
        }
        states.keySet().retainAll(live);
    }

    private void schedule(Pod pod, Container c, String id, String kind, Probe probe, Instant started, Instant now,
                          String podIP, Set<String> live) {
        if (probe == null) {
            return;
        }
        String key = id + "/" + kind;
        live.add(key);
        State s = states.computeIfAbsent(key, k -> {
            State n = new State();
            n.result = "liveness".equals(kind); // liveness starts passing, readiness starts failing
            n.next = started.plusSeconds(probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds());
            return n;
        });
        synchronized (s) {
            if (s.running || now.isBefore(s.next)) {
                return;
            }
            s.running = true;
            s.next = now.plusSeconds(probe.getPeriodSeconds() == null ? 10 : Math.max(1, probe.getPeriodSeconds()));
        }
        pool.execute(() -> {
            boolean ok = prober.run(probe, c, podIP, id);
            boolean changed;
            synchronized (s) {
                s.running = false;
                boolean before = s.result;
                if (ok) {
                    s.failures = 0;
                    s.successes++;
                    if (s.successes >= (probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold())) {
                        s.result = true;
                    }
                } else {
                    s.successes = 0;
                    s.failures++;
                    if (s.failures >= (probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold())) {
                        s.result = false;
                    }
                }
                changed = before != s.result;
            }
            String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/" + c.getName();
            if (changed && "readiness".equals(kind)) {
                LOG.infof("readiness of %s: %s", name, s.result ? "ready" : "not ready");
                podChanged.accept(pod.getMetadata().getUid());
            }
            if (changed && "liveness".equals(kind) && !s.result) {
                LOG.infof("liveness probe of %s failed %d times: killing the container", name, s.failures);
                killContainer.accept(pod.getMetadata().getUid(), id);
            }
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
