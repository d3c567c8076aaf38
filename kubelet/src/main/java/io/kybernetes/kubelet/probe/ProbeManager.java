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
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.kybernetes.kubelet.pod.PodEvents;

/**
 * Runs the startup, readiness and liveness probes of the running containers of this node's pods on their schedule
 * (initialDelaySeconds, periodSeconds, timeoutSeconds, success/failure thresholds). A startup probe holds the other
 * two back until it succeeds. Readiness results feed the pod status; a failed liveness or startup probe asks for the
 * container to be killed (and restarted per restartPolicy). Every failed attempt is an "Unhealthy" event.
 */
public final class ProbeManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProbeManager.class);

    /** A probe kind, with upstream's name in events. */
    enum Kind {
        STARTUP("Startup"), READINESS("Readiness"), LIVENESS("Liveness");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /** Asks for a container to be stopped, with the reason for the Killing event. */
    public interface Killer {
        void kill(String podUid, String containerName, String containerId, String message);
    }

    static final class State {
        Instant next = Instant.EPOCH;
        int successes;
        int failures;
        boolean result;
        boolean running;
        boolean killed;
    }

    private final Prober prober;
    private final Supplier<List<Pod>> pods;
    private final Consumer<String> podChanged;
    private final Killer killer;
    private final Clock clock;
    private volatile PodEvents events = PodEvents.none();
    /** key: containerId + "/" + kind */
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "prober");
        t.setDaemon(true);
        return t;
    });

    public ProbeManager(Prober prober, Supplier<List<Pod>> pods, Consumer<String> podChanged, Killer killer,
                        Clock clock) {
        this.prober = prober;
        this.pods = pods;
        this.podChanged = podChanged;
        this.killer = killer;
        this.clock = clock;
    }

    public void setEvents(PodEvents events) {
        this.events = events;
    }

    /** Ready as far as the readiness probe is concerned (true when the container has none). */
    public boolean ready(String containerId, Container spec) {
        if (spec.getReadinessProbe() == null) {
            return true;
        }
        State s = states.get(containerId + "/" + Kind.READINESS);
        return s != null && s.result;
    }

    /** Whether the container's readiness and startup probes (those it has) have run at least once. */
    public boolean probed(String containerId, Container spec) {
        return ran(containerId, spec.getReadinessProbe(), Kind.READINESS)
                && ran(containerId, spec.getStartupProbe(), Kind.STARTUP);
    }

    private boolean ran(String containerId, io.fabric8.kubernetes.api.model.Probe probe, Kind kind) {
        if (probe == null) {
            return true;
        }
        State s = states.get(containerId + "/" + kind);
        return s != null && (s.successes > 0 || s.failures > 0 || s.result);
    }

    /** Started as far as the startup probe is concerned (true when the container has none). */
    public boolean started(String containerId, Container spec) {
        if (spec.getStartupProbe() == null) {
            return true;
        }
        State s = states.get(containerId + "/" + Kind.STARTUP);
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
                schedule(pod, c, id, Kind.STARTUP, c.getStartupProbe(), started, now, podIP, live);
                if (started(id, c)) {
                    schedule(pod, c, id, Kind.READINESS, c.getReadinessProbe(), started, now, podIP, live);
                    schedule(pod, c, id, Kind.LIVENESS, c.getLivenessProbe(), started, now, podIP, live);
                } else {
                    live.add(id + "/" + Kind.READINESS);
                }
            }
        }
        states.keySet().retainAll(live);
    }

    private void schedule(Pod pod, Container c, String id, Kind kind, Probe probe, Instant started, Instant now,
                          String podIP, Set<String> live) {
        if (probe == null) {
            return;
        }
        String key = id + "/" + kind;
        live.add(key);
        State s = states.computeIfAbsent(key, k -> {
            State n = new State();
            n.result = kind == Kind.LIVENESS; // liveness starts passing, readiness and startup failing
            n.next = started.plusSeconds(probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds());
            return n;
        });
        synchronized (s) {
            if (s.running || s.killed || now.isBefore(s.next) || (kind == Kind.STARTUP && s.result)) {
                return;
            }
            s.running = true;
            s.next = now.plusSeconds(probe.getPeriodSeconds() == null ? 10 : Math.max(1, probe.getPeriodSeconds()));
        }
        pool.execute(() -> {
            Prober.Result r = prober.run(probe, c, podIP, id);
            Transition t = record(s, r.ok(), probe, kind);
            String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/" + c.getName();
            if (!r.ok()) {
                LOG.debugf("%s probe of %s failed: %s", kind.title, name, r.message());
                events.warning(pod, c.getName(), "Unhealthy", kind.title + " probe failed: " + r.message());
            }
            if (t == Transition.BECAME_TRUE || t == Transition.BECAME_FALSE) {
                if (kind != Kind.LIVENESS) {
                    LOG.infof("%s of %s: %s", kind.title.toLowerCase(), name, t == Transition.BECAME_TRUE);
                    podChanged.accept(pod.getMetadata().getUid());
                }
            }
            if (t == Transition.BECAME_FALSE && kind != Kind.READINESS) {
                LOG.infof("%s probe of %s failed %d times: killing the container", kind.title, name,
                        probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold());
                synchronized (s) {
                    s.killed = true;
                }
                killer.kill(pod.getMetadata().getUid(), c.getName(), id, "Container " + c.getName() + " failed "
                        + kind.title.toLowerCase() + " probe, will be restarted");
            }
        });
    }

    enum Transition { NONE, BECAME_TRUE, BECAME_FALSE }

    /** Applies one result to the state with the probe's thresholds (pure apart from the state; unit-tested). */
    static Transition record(State s, boolean ok, Probe probe, Kind kind) {
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
                    if (kind == Kind.STARTUP && before == false && s.failures == (probe.getFailureThreshold() == null
                            ? 3 : probe.getFailureThreshold())) {
                        return Transition.BECAME_FALSE; // a startup probe that never succeeded gives up
                    }
                }
            }
            if (before == s.result) {
                return Transition.NONE;
            }
            return s.result ? Transition.BECAME_TRUE : Transition.BECAME_FALSE;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
