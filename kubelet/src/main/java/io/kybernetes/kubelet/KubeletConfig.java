package io.kybernetes.kubelet;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The kubelet's {@code kybernetes.*} settings (set by the command-line flags of {@link KubeletMain}). */
@ConfigMapping(prefix = "kybernetes")
public interface KubeletConfig {

    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    @WithDefault("unix:///run/kybernetes/containerd/containerd.sock")
    String containerRuntimeEndpoint();

    /** Absent: use the host name. */
    Optional<String> hostnameOverride();

    /** Absent: the first non-loopback IPv4 address. */
    Optional<String> nodeIp();

    @WithDefault("10.244.0.0/24")
    String podCidr();

    @WithDefault("/var/lib/kybernetes/kubelet")
    String rootDir();

    @WithDefault("/var/log/kybernetes/pods")
    String podLogDir();

    /** Comma-separated IPs of the cluster DNS servers (pods with dnsPolicy ClusterFirst use them). */
    @WithDefault("10.96.0.10")
    String clusterDns();

    @WithDefault("cluster.local")
    String clusterDomain();

    /** The resolver configuration pods with dnsPolicy Default inherit. */
    @WithDefault("/etc/resolv.conf")
    String resolvConf();

    /** Directory of static pod manifests (absent: no static pods). */
    Optional<String> podManifestPath();

    /** Off in tests that wire the agent themselves. */
    @WithDefault("true")
    boolean agentEnabled();
}
