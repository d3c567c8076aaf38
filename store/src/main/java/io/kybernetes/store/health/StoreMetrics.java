package io.kybernetes.store.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kybernetes.store.StoreNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/** Store gauges on /metrics, named after the etcd metrics that mean the same. */
@ApplicationScoped
public class StoreMetrics {

    void register(@Observes StartupEvent ev, MeterRegistry registry, StoreNode node) {
        Gauge.builder("etcd_debugging_mvcc_current_revision", node.mvcc(), m -> m.rev())
                .description("The current revision of the store.").register(registry);
        Gauge.builder("etcd_debugging_mvcc_compact_revision", node.mvcc(), m -> m.compactedRev())
                .description("The revision of the last compaction in the store.").register(registry);
        Gauge.builder("etcd_mvcc_db_total_size_in_bytes", node.mvcc(), m -> m.backend().sizeBytes())
                .description("Total size of the underlying database in bytes.").register(registry);
        Gauge.builder("etcd_debugging_mvcc_keys_total", node.mvcc(), m -> m.keyCount())
                .description("Total number of keys in the index.").register(registry);
        Gauge.builder("etcd_debugging_mvcc_watcher_total", node.watchable(), w -> w.watcherCount())
                .description("Total number of watchers.").register(registry);
        Gauge.builder("etcd_debugging_mvcc_slow_watcher_total", node.watchable(), w -> w.unsyncedCount())
                .description("Total number of unsynced slow watchers.").register(registry);
        Gauge.builder("etcd_debugging_lease_total", node.lessor(), l -> l.list().size())
                .description("Number of granted leases.").register(registry);
        Gauge.builder("etcd_server_is_leader", () -> 1)
                .description("Whether this member is the leader (always, as the only member).").register(registry);
    }
}
