package io.kybernetes.kubelet.hollow;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Many nodes from one process, for scale tests (upstream's kubemark "hollow nodes"): registers the fleet's Node
 * objects, keeps their Leases and status fresh, and runs their pods in a {@link FakeRuntime}. The real CRI path is
 * untouched: the kubelet only builds this with {@code --hollow-nodes=N}.
 */
public final class HollowKubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HollowKubelet.class);
    static final long TICK_MILLIS = 100;
    public static final String RUNTIME_VERSION = HollowHeartbeats.RUNTIME_VERSION;

    /** The knobs of the fleet (defaults as upstream's kubelet: 10 s lease renewal, 5 min status report). */
    public record Settings(Duration leaseInterval, Duration statusInterval, Duration startDelay, int workers) {
    }

    private final KubernetesClient client;
    private final HollowFleet fleet;
    private final Settings settings;
    private final List<HollowNode> nodes = new ArrayList<>();
    private final ExecutorService writers;
    private final ScheduledExecutorService timer;
    private final HollowHeartbeats heartbeats;
    private final FakeRuntime runtime;

    public HollowKubelet(KubernetesClient client, HollowFleet fleet, Settings settings, Clock clock) {
        this.client = client;
        this.fleet = fleet;
        this.settings = settings;
        for (int i = 0; i < fleet.count(); i++) {
            nodes.add(new HollowNode(i, fleet.name(i), fleet.nodeIp(i)));
        }
        AtomicInteger seq = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "hollow-writer-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hollow-timer");
            t.setDaemon(true);
            return t;
        });
        this.heartbeats = new HollowHeartbeats(client, fleet, nodes, settings.leaseInterval(),
                settings.statusInterval(), writers, clock);
        this.runtime = new FakeRuntime(client, fleet, nodes, settings.startDelay(), writers, timer, clock);
    }

    /** Registers every node (in parallel on the writer pool), then starts the pod informer and the heartbeats. */
    public void start() {
        long t0 = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (HollowNode n : nodes) {
            all.add(CompletableFuture.runAsync(() -> {
                heartbeats.register(n);
                int d = done.incrementAndGet();
                if (d % 1000 == 0) {
                    LOG.infof("hollow nodes: %d of %d registered", d, nodes.size());
                }
            }, writers));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        LOG.infof("hollow nodes: %d nodes %s0..%s%d registered in %d ms (lease every %s, status every %s)",
                nodes.size(), fleet.prefix(), fleet.prefix(), nodes.size() - 1,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), settings.leaseInterval(),
                settings.statusInterval());
        runtime.start();
        timer.scheduleWithFixedDelay(() -> {
            try {
                heartbeats.tick();
            } catch (RuntimeException e) {
                LOG.warnf("hollow heartbeat tick failed: %s", e.toString());
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> LOG.infof("hollow nodes: %d pods started, %d deleted so far",
                runtime.started.get(), runtime.deleted.get()), 30, 30, TimeUnit.SECONDS);
    }

    public boolean podsSynced() {
        return runtime.synced();
    }

    public int nodeCount() {
        return nodes.size();
    }

    public long podsStarted() {
        return runtime.started.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        runtime.stop();
        writers.shutdownNow();
        client.close();
    }
}
