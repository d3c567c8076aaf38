package io.kybernetes.dns;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The DNS server's {@code kybernetes.*} settings; the flags of {@link DnsMain} set them. */
@ConfigMapping(prefix = "kybernetes")
public interface DnsConfig {

    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    /** Overrides the kubeconfig's server URL (a pod cannot reach the host's loopback). */
    Optional<String> master();

    @WithDefault("0.0.0.0:53")
    String listen();

    @WithDefault("cluster.local")
    String clusterDomain();

    /** Comma-separated upstream resolvers; empty means the nameservers of {@link #resolvConf()}. */
    Optional<String> upstream();

    /** Where the default upstream resolvers are read from. */
    @WithDefault("/etc/resolv.conf")
    String resolvConf();

    @WithDefault("5")
    long ttl();

    @WithDefault("10000")
    long cacheSize();

    /** Upper bound of how long a forwarded answer is cached, whatever its TTL. */
    @WithDefault("30")
    long cacheMaxTtl();

    /** Timeout of one upstream query, in milliseconds. */
    @WithDefault("2000")
    long upstreamTimeoutMillis();

    /**
     * Whether to watch EndpointSlices: {@code auto} asks the API's discovery whether discovery.k8s.io/v1 is served;
     * {@code true}/{@code false} skip the question. Endpoints are always watched (a Service without slices uses them).
     */
    @WithDefault("auto")
    String endpointSlices();

    /** Watch over WebSocket instead of HTTP streaming (only for fabric8's mock server in tests). */
    @WithDefault("false")
    boolean websocketWatches();
}
