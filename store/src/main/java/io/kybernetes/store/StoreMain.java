package io.kybernetes.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;

import io.kybernetes.launcher.Flag;
import io.kybernetes.store.config.ListenUrlConfigSourceFactory;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class StoreMain {

    static final List<Flag> FLAGS = List.of(
            new Flag("data-dir", "/var/lib/kybernetes/store", "directory of the database"),
            new Flag("listen-client-urls", "http://127.0.0.1:2379", "URL to serve the etcd v3 gRPC API on"),
            new Flag("advertise-client-urls", null, "client URLs reported by member list (default: listen URLs)"),
            new Flag("listen-metrics-urls", "http://127.0.0.1:2381", "URL to serve /healthz, /readyz and /metrics on"),
            new Flag("name", "default", "member name"),
            new Flag("auto-compaction-mode", "periodic", "periodic (retention is a duration) or revision"),
            new Flag("auto-compaction-retention", "0", "history to keep: e.g. 1h, 30m, a number of hours, or "
                    + "of revisions in revision mode; 0 disables auto compaction"),
            new Flag("initial-advertise-peer-urls", "http://127.0.0.1:2380", "peer URLs reported by member list"),
            new Flag("experimental-watch-progress-notify-interval", "10m", "how often watchers that asked for "
                    + "progress notifications get one (a duration: 10m, 30s)"),
            // Transport security of the client URL (etcd's flags); used only with an https:// client URL.
            new Flag("cert-file", null, "PEM serving certificate for https:// client URLs"),
            new Flag("key-file", null, "PEM private key of --cert-file (PKCS#1, PKCS#8 or SEC1)"),
            new Flag("trusted-ca-file", null, "PEM CA bundle: require client certificates signed by it"),
            new Flag("client-cert-auth", "false", "require and verify client certificates (needs --trusted-ca-file)"));

    public static void main(String... args) {
        Launcher launcher = new Launcher("kybernetes-store", "the kybernetes store: the etcd v3 API over RocksDB", FLAGS);
        Map<String, String> props;
        try {
            props = launcher.parse(args);
        } catch (RuntimeException e) {
            launcher.run(args); // prints help or the flag error, and exits
            return;
        }
        String clientUrl = props.get("kybernetes.listen-client-urls");
        try {
            ListenUrlConfigSourceFactory.map(props.get("kybernetes.listen-metrics-urls"), "quarkus.http", false,
                    new java.util.HashMap<>());
            ListenUrlConfigSourceFactory.clientTls(clientUrl == null ? null : clientUrl.split(",")[0].trim(),
                    props.get("kybernetes.cert-file"), props.get("kybernetes.key-file"),
                    props.get("kybernetes.trusted-ca-file"), Boolean.parseBoolean(props.get("kybernetes.client-cert-auth")));
        } catch (IllegalArgumentException e) {
            // Checked here too so that a bad flag is one line on stderr, not Quarkus' startup stack trace.
            System.err.println("kybernetes-store: " + e.getMessage());
            System.exit(2);
        }
        String busy = clientUrl == null ? null : portInUse(clientUrl.split(",")[0].trim());
        if (busy != null) {
            // Quarkus only logs a gRPC bind failure and keeps running; a store without its API must not.
            System.err.println("kybernetes-store: cannot listen on " + clientUrl + ": " + busy);
            System.exit(1);
        }
        launcher.run(args);
    }

    /** Why {@code url}'s address cannot be bound, or null if it can. */
    static String portInUse(String url) {
        try {
            URI uri = URI.create(url);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(uri.getHost(), uri.getPort()));
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
