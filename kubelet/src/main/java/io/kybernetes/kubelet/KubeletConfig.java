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

    // --- TLS bootstrap and certificate rotation (certificate/) ---

    /** Kubeconfig with bootstrap credentials: used to request a client certificate when --kubeconfig is missing. */
    Optional<String> bootstrapKubeconfig();

    /** Renew the client certificate of --kubeconfig (one TLS bootstrap wrote) before it expires. */
    @WithDefault("false")
    boolean rotateCertificates();

    /** Request the serving certificate from the cluster (kubernetes.io/kubelet-serving) and keep it renewed. */
    @WithDefault("false")
    boolean rotateServerCertificates();

    /** Directory of the kubelet's certificates (absent: {@code <root-dir>/pki}). */
    Optional<String> certDir();

    // --- the kubelet's HTTPS server, authentication and authorization (server/) ---

    /** Serving certificate (PEM); with the key, --port serves HTTPS only. */
    Optional<String> tlsCertFile();

    Optional<String> tlsPrivateKeyFile();

    /** CA bundle that client certificates are verified against (x509 authentication: CN user, O groups). */
    Optional<String> clientCaFile();

    /** Whether requests without credentials are served as system:anonymous. */
    @WithDefault("true")
    boolean anonymousAuth();

    /** Whether bearer tokens are checked with a TokenReview against the API server. */
    @WithDefault("false")
    boolean authenticationTokenWebhook();

    /** How long TokenReview answers are cached. */
    @WithDefault("2m")
    String authenticationTokenWebhookCacheTtl();

    /** AlwaysAllow or Webhook (a SubjectAccessReview per request). */
    @WithDefault("AlwaysAllow")
    String authorizationMode();

    @WithDefault("5m")
    String authorizationWebhookCacheAuthorizedTtl();

    @WithDefault("30s")
    String authorizationWebhookCacheUnauthorizedTtl();

    /** Port of the plain-HTTP /healthz endpoint (0: off). */
    @WithDefault("10248")
    int healthzPort();

    @WithDefault("127.0.0.1")
    String healthzBindAddress();

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

    /** With N > 0: run N hollow nodes with a fake runtime instead of this node (scale tests only). */
    @WithDefault("0")
    int hollowNodes();

    @WithDefault("hollow-node-")
    String hollowNodePrefix();

    /** Hollow nodes are spread round-robin over this many topology.kubernetes.io/zone values. */
    @WithDefault("3")
    int hollowZones();

    @WithDefault("4")
    int hollowNodeCpu();

    @WithDefault("32Gi")
    String hollowNodeMemory();

    @WithDefault("10s")
    java.time.Duration hollowLeaseInterval();

    @WithDefault("5m")
    java.time.Duration hollowStatusInterval();

    /** How long after a hollow node sees a pod it reports it Running and Ready. */
    @WithDefault("200ms")
    java.time.Duration hollowStartDelay();

    /** Concurrent API calls of the hollow nodes. */
    @WithDefault("16")
    int hollowWorkers();

    /** Hard eviction thresholds, {@code signal<value} comma-separated (setting it replaces every default). */
    @WithDefault(io.kybernetes.kubelet.eviction.Thresholds.DEFAULT_HARD)
    String evictionHard();

    Optional<String> evictionSoft();

    Optional<String> evictionSoftGracePeriod();

    Optional<String> evictionMinimumReclaim();

    /** A Go duration: how long a pressure condition stays True after its threshold was last met. */
    @WithDefault("5m")
    String evictionPressureTransitionPeriod();

    /** Grace period (seconds) of pods evicted for a soft threshold. */
    @WithDefault("0")
    long evictionMaxPodGracePeriod();

    /** A Go duration: how often the eviction manager looks at the signals (and evicts at most one pod). */
    @WithDefault("10s")
    String housekeepingInterval();

    @WithDefault("85")
    int imageGcHighThreshold();

    @WithDefault("80")
    int imageGcLowThreshold();

    /** A Go duration. */
    @WithDefault("2m")
    String imageMinimumGcAge();

    /** A Go duration (0s: off). */
    @WithDefault("0s")
    String imageMaximumGcAge();

    /** The sandbox image, which image garbage collection never removes. */
    @WithDefault("docker.io/library/pause:3.9")
    String podInfraContainerImage();

    /** A Go duration. */
    @WithDefault("0s")
    String minimumContainerTtlDuration();

    @WithDefault("1")
    int maximumDeadContainersPerContainer();

    @WithDefault("-1")
    int maximumDeadContainers();

    /** Off in tests that wire the agent themselves. */
    @WithDefault("true")
    boolean agentEnabled();
}
