package io.kybernetes.store;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kybernetes.store.apply.Applier;
import io.kybernetes.store.backend.RocksBackend;
import io.kybernetes.store.cluster.ClusterInfo;
import io.kybernetes.store.config.GoDuration;
import io.kybernetes.store.config.StoreConfig;
import io.kybernetes.store.lease.Lessor;
import io.kybernetes.store.mvcc.Compactor;
import io.kybernetes.store.mvcc.MvccStore;
import io.kybernetes.store.watch.WatchableStore;
import io.quarkus.runtime.Startup;

/** The store's parts, wired once at start and closed in reverse order at shutdown. */
@ApplicationScoped
@Startup
public class StoreNode {

    private static final Logger LOG = Logger.getLogger(StoreNode.class);

    private final RocksBackend backend;
    private final MvccStore mvcc;
    private final Lessor lessor;
    private final WatchableStore watchable;
    private final ClusterInfo cluster;
    private final Applier applier;
    private final Compactor compactor;

    public StoreNode(StoreConfig config) {
        backend = new RocksBackend(Path.of(config.dataDir()));
        List<String> clientUrls = urls(config.advertiseClientUrls().orElse(config.listenClientUrls()));
        cluster = new ClusterInfo(backend, config.name(), urls(config.initialAdvertisePeerUrls()), clientUrls);
        mvcc = new MvccStore(backend);
        lessor = new Lessor(mvcc);
        watchable = new WatchableStore(mvcc, GoDuration.parse(config.experimentalWatchProgressNotifyInterval()));
        applier = new Applier(mvcc, lessor, cluster::header);
        compactor = Compactor.start(mvcc, config.autoCompactionMode(), config.autoCompactionRetention());
        LOG.infof("store ready: member %x in cluster %x, term %d, revision %d, data dir %s", cluster.memberId(),
                cluster.clusterId(), cluster.term(), mvcc.rev(), config.dataDir());
    }

    private static List<String> urls(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public MvccStore mvcc() {
        return mvcc;
    }

    public Lessor lessor() {
        return lessor;
    }

    public WatchableStore watchable() {
        return watchable;
    }

    public ClusterInfo cluster() {
        return cluster;
    }

    public Applier applier() {
        return applier;
    }

    @PreDestroy
    void close() {
        if (compactor != null) {
            compactor.close();
        }
        lessor.close();
        watchable.close();
        mvcc.close();
        backend.close();
    }
}
