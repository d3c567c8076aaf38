package io.kybernetes.scheduler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.scheduler.queue.SchedulingQueue;
import io.kybernetes.scheduler.scheduling.Scheduler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Runs the scheduler (see {@link SchedulerAssembly}) with metrics; ready once the node and pod informers synced (a
 * standby too: its informers run, only its scheduling loop waits for the Lease). The readiness data carry the
 * Lease identity and whether this instance leads.
 */
@ApplicationScoped
@Readiness
public class SchedulerService implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(SchedulerService.class);

    @Inject
    KubernetesClient client;
    @Inject
    SchedulerConfig config;
    @Inject
    MeterRegistry registry;

    private SchedulerAssembly assembly;

    void onStart(@Observes StartupEvent ev) throws IOException {
        SchedulerConfiguration cfg = configuration(config);
        assembly = new SchedulerAssembly(client, cfg, true);
        SchedulingQueue queue = assembly.queue();
        String[] places = {"active", "backoff", "unschedulable"};
        for (int i = 0; i < places.length; i++) {
            int place = i;
            Gauge.builder("scheduler_pending_pods", queue, q -> q.sizes()[place]).tag("queue", places[i])
                    .description("Pending pods by queue").register(registry);
        }
        assembly.scheduler().onAttempt((profile, result) -> registry.counter("scheduler_schedule_attempts_total",
                "result", result, "profile", profile).increment());
        Gauge.builder("leader_election_master_status", assembly.scheduler(), s -> s.isRunning() ? 1 : 0)
                .tag("name", cfg.leaderElection().resourceName())
                .description("1 while this instance leads and schedules").register(registry);
        assembly.start();
    }

    /** The --config file (or the defaults) with the leader-election flags that were given applied over it. */
    static SchedulerConfiguration configuration(SchedulerConfig config) throws IOException {
        SchedulerConfiguration file = config.config().isPresent()
                ? SchedulerConfiguration.load(Path.of(config.config().get()))
                : SchedulerConfiguration.defaults();
        return file.withLeaderElection(file.leaderElection().withFlags(config.leaderElect().orElse(null),
                config.leaderElectLeaseDuration().orElse(null), config.leaderElectRenewDeadline().orElse(null),
                config.leaderElectRetryPeriod().orElse(null), config.leaderElectResourceLock().orElse(null),
                config.leaderElectResourceName().orElse(null), config.leaderElectResourceNamespace().orElse(null)));
    }

    /** Starts informers for nodes then pods, and the scheduling loop. Also used by the integration tests. */
    public static SharedIndexInformer<?>[] start(KubernetesClient client, Scheduler scheduler) {
        SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
        nodes.addEventHandler(scheduler.nodeHandler());
        nodes.exceptionHandler((started, t) -> {
            LOG.debugf("node watch failed (%s), retrying", t.getMessage());
            return true;
        });
        SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0);
        pods.addEventHandler(scheduler.podHandler());
        pods.exceptionHandler((started, t) -> {
            LOG.debugf("pod watch failed (%s), retrying", t.getMessage());
            return true;
        });
        // Schedule only with complete caches: a partial node list would make pods look unschedulable.
        CompletableFuture.allOf(nodes.start().toCompletableFuture(), pods.start().toCompletableFuture())
                .whenComplete((v, t) -> {
                    if (t != null) {
                        LOG.debugf("informers stopped before they synced: %s", t.getMessage());
                    } else {
                        scheduler.start();
                    }
                });
        return new SharedIndexInformer<?>[] {nodes, pods};
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (assembly != null) {
            assembly.close();
        }
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("informers").status(assembly != null && assembly.synced());
        if (assembly != null) {
            response.withData("leading", assembly.scheduler().isRunning());
            if (assembly.election() != null) {
                response.withData("identity", assembly.election().identity());
            }
        }
        return response.build();
    }
}
