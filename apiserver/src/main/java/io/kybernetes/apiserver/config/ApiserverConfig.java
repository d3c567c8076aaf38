package io.kybernetes.apiserver.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The apiserver's own settings ({@code kybernetes.*}), set by the command-line flags. */
@ConfigMapping(prefix = "kybernetes")
public interface ApiserverConfig {

    /** Comma-separated etcd v3 client URLs. */
    @WithDefault("http://127.0.0.1:2379")
    String etcdServers();

    @WithDefault("10.96.0.0/12")
    String serviceClusterIpRange();

    @WithDefault("30000-32767")
    String serviceNodePortRange();

    @WithDefault("400")
    int maxRequestsInflight();

    /** Changes the watch cache keeps per resource; 0 disables the shared watches. */
    @WithDefault("2048")
    int defaultWatchCacheSize();

    /** How long a resource's shared store watch outlives its last client watch. */
    @WithDefault("60s")
    java.time.Duration watchCacheLinger();

    /** The address published in the kubernetes Service's endpoints; empty: the first non-loopback IPv4. */
    java.util.Optional<String> advertiseAddress();
}
