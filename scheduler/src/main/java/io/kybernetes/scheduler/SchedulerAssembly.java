package io.kybernetes.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.scheduler.cache.ClusterObjects;
import io.kybernetes.scheduler.cache.SchedulerCache;
import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.scheduler.election.Election;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.plugins.Profiles;
import io.kybernetes.scheduler.queue.SchedulingQueue;
import io.kybernetes.scheduler.scheduling.KubeApiWriter;
import io.kybernetes.scheduler.scheduling.Scheduler;

/**
 * One running scheduler: the profiles of a configuration, the informers (nodes and pods gate the start; the other
 * kinds are best effort), the scheduling loop and, when enabled, leader election. The Quarkus service and the
 * integration tests both start the scheduler through this class.
 */
public final class SchedulerAssembly implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SchedulerAssembly.class);

    /** Concurrent binding cycles (each one POST of a Binding and one Event). */
    static final int BIND_THREADS = 16;
    private static final AtomicInteger BIND_SEQ = new AtomicInteger();

    private final ExecutorService binder;
    private final ClusterObjects objects = new ClusterObjects();
    private final SchedulingQueue queue = new SchedulingQueue();
    private final Scheduler scheduler;
    private final KubernetesClient client;
    private final SchedulerConfiguration cfg;
    private final boolean elect;
    private SharedIndexInformer<?>[] informers = new SharedIndexInformer<?>[0];
    private Election election;

    public SchedulerAssembly(KubernetesClient client, SchedulerConfiguration cfg, boolean leaderElect) {
        this.client = client;
        this.cfg = cfg;
        this.elect = leaderElect && cfg.leaderElection().leaderElect();
        KubeApiWriter api = new KubeApiWriter(client, SchedulerConfiguration.DEFAULT_SCHEDULER);
        Map<String, Framework> profiles = new LinkedHashMap<>();
        for (SchedulerConfiguration.Profile p : cfg.profiles()) {
            profiles.put(p.schedulerName(), Profiles.build(p, objects, api::preempt, api::selectNode, new Random()));
        }
        binder = Executors.newFixedThreadPool(BIND_THREADS, r -> {
            Thread t = new Thread(r, "scheduler-bind-" + BIND_SEQ.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler = new Scheduler(profiles, new SchedulerCache(), queue, api, objects).bindWith(binder);
        if (elect) {
            scheduler.setLeading(false);
        }
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public SchedulingQueue queue() {
        return queue;
    }

    public Election election() {
        return election;
    }

    public SchedulerAssembly start() {
        objects.start(client, scheduler::clusterChanged);
        informers = SchedulerService.start(client, scheduler);
        if (elect) {
            election = new Election(client, cfg.leaderElection(), scheduler::setLeading);
            election.start();
        }
        LOG.infof("scheduler started against %s with profiles %s%s", client.getConfiguration().getMasterUrl(),
                cfg.profiles().stream().map(SchedulerConfiguration.Profile::schedulerName).toList(),
                elect ? ", leader election on Lease " + cfg.leaderElection().resourceNamespace() + "/"
                        + cfg.leaderElection().resourceName() + " as " + election.identity() : "");
        return this;
    }

    /** Whether the node and pod informers have synced. */
    public boolean synced() {
        boolean synced = informers.length > 0;
        for (SharedIndexInformer<?> i : informers) {
            synced &= i.hasSynced();
        }
        return synced;
    }

    @Override
    public void close() {
        if (election != null) {
            election.stop();
        }
        scheduler.stop();
        binder.shutdown();
        objects.stop();
        for (SharedIndexInformer<?> i : informers) {
            i.stop();
        }
    }
}
