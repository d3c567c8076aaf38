package io.kybernetes.controllers.leaderelection;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kybernetes.launcher.leases.LeaseRelease;

/**
 * Campaigns for a coordination.k8s.io/v1 Lease with fabric8's {@code LeaderElector}, under the identity
 * {@code <hostname>_<uuid>} as upstream. {@code onStartedLeading} runs when this instance acquires the lease and
 * {@code onStoppedLeading} when it loses it (renewal failed for the renew deadline, or another holder took it);
 * both run on one thread, in order, once per term. Unlike upstream, which exits when it loses the lease, the
 * instance then campaigns again, so a component without a supervisor recovers. {@link #stop} releases the lease so
 * that a standby takes over at once instead of after the lease expired.
 */
public final class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final LeaseSettings settings;
    private final Runnable onStartedLeading;
    private final Runnable onStoppedLeading;
    private final String identity;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final ExecutorService transitions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leader-election-transitions");
        t.setDaemon(true);
        return t;
    });
    private volatile String leader;
    private volatile CompletableFuture<?> campaign;
    private volatile boolean stopped;

    public LeaderElection(KubernetesClient client, LeaseSettings settings, Runnable onStartedLeading,
            Runnable onStoppedLeading) {
        this(client, settings, onStartedLeading, onStoppedLeading, hostname() + "_" + UUID.randomUUID());
    }

    public LeaderElection(KubernetesClient client, LeaseSettings settings, Runnable onStartedLeading,
            Runnable onStoppedLeading, String identity) {
        this.client = client;
        this.settings = settings;
        this.onStartedLeading = onStartedLeading;
        this.onStoppedLeading = onStoppedLeading;
        this.identity = identity;
    }

    public String identity() {
        return identity;
    }

    /** Whether this instance holds the lease (and runs the work it guards). */
    public boolean isLeader() {
        return leading.get();
    }

    /** The holder last observed on the Lease (this instance or another), null before the first read. */
    public String leader() {
        return leader;
    }

    public LeaseSettings settings() {
        return settings;
    }

    public synchronized void start() {
        if (stopped) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(settings.name())
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withLock(new LeaseLock(settings.namespace(), settings.name(), identity))
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::lost, this::observed))
                // fabric8 releases with a JSON merge patch whose null holder is dropped: see release()
                .withReleaseOnCancel(false)
                .build();
        CompletableFuture<?> c = client.leaderElector().withConfig(config).build().start();
        campaign = c;
        c.whenComplete((v, t) -> {
            lost();
            if (!stopped) {
                LOG.debugf("leader election on %s/%s ended (%s); campaigning again", settings.namespace(),
                        settings.name(), t == null ? "lease lost" : t.getMessage());
                CompletableFuture.delayedExecutor(settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
                        .execute(this::start);
            }
        });
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.infof("%s acquired lease %s/%s", identity, settings.namespace(), settings.name());
            transitions.execute(onStartedLeading);
        }
    }

    private void lost() {
        if (leading.compareAndSet(true, false)) {
            LOG.infof("%s lost lease %s/%s", identity, settings.namespace(), settings.name());
            transitions.execute(onStoppedLeading);
        }
    }

    private void observed(String holder) {
        leader = holder;
        LOG.infof("lease %s/%s: new leader elected: %s", settings.namespace(), settings.name(), holder);
    }

    /**
     * Stops campaigning, runs {@code onStoppedLeading} if leading and releases the lease, waiting at most 2 s for
     * the API server.
     */
    public void stop() {
        CompletableFuture<?> c;
        synchronized (this) {
            stopped = true;
            c = campaign;
        }
        if (c != null) {
            Thread release = new Thread(() -> {
                c.cancel(true);
                release();
            }, "lease-release");
            release.setDaemon(true);
            release.start();
            try {
                release.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lost();
        transitions.shutdown();
        try {
            transitions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        LeaseRelease.release(client, settings.namespace(), settings.name(), identity);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (Exception e) {
            return "kybernetes";
        }
    }
}
