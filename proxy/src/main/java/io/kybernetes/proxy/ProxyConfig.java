package io.kybernetes.proxy;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The proxy's {@code kybernetes.*} settings; the flags of {@link ProxyMain} set them. */
@ConfigMapping(prefix = "kybernetes")
public interface ProxyConfig {

    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    /** Traffic to a ClusterIP from outside this range is masqueraded. */
    @WithDefault("10.244.0.0/16")
    String clusterCidr();

    @WithDefault("iptables")
    String proxyMode();

    /** Periodic full resync. */
    @WithDefault("30s")
    Duration syncPeriod();

    /** Syncs never run closer together than this (bursts of changes coalesce). */
    @WithDefault("1s")
    Duration minSyncPeriod();

    @WithDefault("14")
    int iptablesMasqueradeBit();

    /** {@code --iptables-backend}: {@code nft} or {@code legacy}; absent: the host's default {@code iptables}. */
    java.util.Optional<String> iptablesBackend();

    /** The chain prefix; {@code KUBE} as upstream. Tests use another so they never touch a cluster's chains. */
    @WithDefault("KUBE")
    String chainPrefix();

    @WithDefault("127.0.0.1:10256")
    String healthzBindAddress();

    @WithDefault("false")
    boolean cleanup();

    /** This node's name ({@code --hostname-override}); endpoints with this nodeName are local. Default: hostname. */
    java.util.Optional<String> hostnameOverride();

    /** CIDRs whose local addresses accept node ports ({@code --nodeport-addresses}); empty: all local addresses. */
    java.util.Optional<java.util.List<String>> nodeportAddresses();

    /** Run health check node ports for externalTrafficPolicy Local Services. */
    @WithDefault("true")
    boolean healthCheckNodePorts();

    /** A prefix for every packet filter command, e.g. {@code ip netns exec NAME} (tests use a scratch netns). */
    java.util.Optional<String> execPrefix();

    /** {@code vxlan}: program this node's end of the VXLAN pod overlay from the Node objects; {@code none}: do not. */
    @WithDefault("none")
    String overlay();

    /** Watch over WebSocket instead of HTTP streaming (only for servers that support it, e.g. fabric8's mock). */
    @WithDefault("false")
    boolean websocketWatches();
}
