package io.kybernetes.store;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class StoreMain {

    public static void main(String... args) {
        new Launcher("kybernetes-store", "the kybernetes store: the etcd v3 API over RocksDB", List.of(
                new Flag("data-dir", "/var/lib/kybernetes/store", "directory of the database"),
                new Flag("listen-client-urls", "http://127.0.0.1:2379", "URL to serve the etcd v3 gRPC API on"),
                new Flag("advertise-client-urls", null, "client URLs reported by member list (default: listen URLs)"),
                new Flag("listen-metrics-urls", "http://127.0.0.1:2381", "URL to serve /healthz, /readyz and /metrics on"),
                new Flag("name", "default", "member name"),
                new Flag("initial-advertise-peer-urls", "http://127.0.0.1:2380", "peer URLs reported by member list")))
                .run(args);
    }
}
