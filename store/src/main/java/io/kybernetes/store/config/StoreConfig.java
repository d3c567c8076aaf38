package io.kybernetes.store.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The store's settings ({@code kybernetes.*}, set by the command-line flags of the same names). */
@ConfigMapping(prefix = "kybernetes")
public interface StoreConfig {

    /** Directory of the RocksDB database. */
    @WithDefault("/var/lib/kybernetes/store")
    String dataDir();

    /** Member name reported by MemberList. */
    @WithDefault("default")
    String name();

    /** URLs the etcd gRPC API listens on (the first one is used). */
    @WithDefault("http://127.0.0.1:2379")
    String listenClientUrls();

    /** URL of the HTTP server for /healthz, /readyz and /metrics (applied by ListenUrlConfigSourceFactory). */
    @WithDefault("http://127.0.0.1:2381")
    String listenMetricsUrls();

    /** Client URLs reported by MemberList; defaults to the listen URLs. */
    java.util.Optional<String> advertiseClientUrls();

    /** "periodic" (retention is a duration) or "revision" (retention is a number of revisions). */
    @WithDefault("periodic")
    String autoCompactionMode();

    /** How much history auto compaction keeps; "0" disables it. */
    @WithDefault("0")
    String autoCompactionRetention();

    /** Peer URLs reported by MemberList (there is no peer traffic: a single member). */
    @WithDefault("http://127.0.0.1:2380")
    String initialAdvertisePeerUrls();

    /** How often watchers that asked for progress notifications get one (etcd's flag; a duration such as 10m). */
    @WithDefault("10m")
    String experimentalWatchProgressNotifyInterval();

    /** Serving certificate (PEM) of the client URL; with {@code https://} client URLs the gRPC API serves TLS. */
    java.util.Optional<String> certFile();

    /** Private key (PEM: PKCS#1, PKCS#8 or SEC1) of {@link #certFile()}. */
    java.util.Optional<String> keyFile();

    /** CA bundle (PEM) client certificates must chain to; as etcd, setting it requires client certificates. */
    java.util.Optional<String> trustedCaFile();

    /** Require and verify client certificates (against {@link #trustedCaFile()}). */
    @WithDefault("false")
    boolean clientCertAuth();
}
