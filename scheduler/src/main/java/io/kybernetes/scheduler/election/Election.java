package io.kybernetes.scheduler.election;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.launcher.leases.LeaseRelease;

/**
 * Leader election on a coordination.k8s.io/v1 Lease with fabric8's LeaderElector (identity
 * {@code <hostname>_<uuid>} as upstream). Unlike upstream, which exits when it loses the lease, this instance
 * stops scheduling and runs for the lease again, so a lone scheduler without a supervisor recovers.
 */
public final class Election {

    private static final Logger LOG = Logger.getLogger(Election.class);

    private final KubernetesClient client;
    private final SchedulerConfiguration.LeaderElection cfg;
    private final Consumer<Boolean> leading;
    private final String identity;
    private volatile CompletableFuture<?> running;
    private volatile boolean stopped;

    public Election(KubernetesClient client, SchedulerConfiguration.LeaderElection cfg, Consumer<Boolean> leading) {
        this.client = client;
        this.cfg = cfg;
        this.leading = leading;
        this.identity = hostname() + "_" + UUID.randomUUID();
    }

    public String identity() {
        return identity;
    }

    public synchronized void start() {
        if (stopped) {
            return;
        }
        running = client.leaderElector().withConfig(config()).build().start();
        running.whenComplete((v, t) -> {
            leading.accept(false);
            if (!stopped) {
                LOG.debugf("leader election ended (%s); running again", t == null ? "lease lost" : t.getMessage());
                CompletableFuture.delayedExecutor(cfg.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
                        .execute(this::start);
            }
        });
    }

    /** What the fabric8 elector runs with: the Lease, its durations and the callbacks. */
    public LeaderElectionConfig config() {
        return new LeaderElectionConfigBuilder()
                .withName(cfg.resourceName())
                .withLeaseDuration(cfg.leaseDuration())
                .withRenewDeadline(cfg.renewDeadline())
                .withRetryPeriod(cfg.retryPeriod())
                .withLock(new LeaseLock(cfg.resourceNamespace(), cfg.resourceName(), identity))
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            LOG.infof("%s acquired lease %s/%s", identity, cfg.resourceNamespace(),
                                    cfg.resourceName());
                            leading.accept(true);
                        },
                        () -> {
                            LOG.infof("%s lost lease %s/%s", identity, cfg.resourceNamespace(), cfg.resourceName());
                            leading.accept(false);
                        },
                        leader -> LOG.infof("new leader elected: %s", leader)))
                // fabric8 releases with a JSON merge patch whose null holder is dropped: see release()
                .withReleaseOnCancel(false)
                .build();
    }

    /** Stops and releases the lease (so a standby takes over at once), waiting at most 2 s for the API server. */
    public void stop() {
        CompletableFuture<?> r;
        synchronized (this) {
            stopped = true;
            r = running;
        }
        if (r == null) {
            return;
        }
        Thread release = new Thread(() -> {
            r.cancel(true);
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

    private void release() {
        LeaseRelease.release(client, cfg.resourceNamespace(), cfg.resourceName(), identity);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (Exception e) {
            return "kybernetes-scheduler";
        }
    }
}
