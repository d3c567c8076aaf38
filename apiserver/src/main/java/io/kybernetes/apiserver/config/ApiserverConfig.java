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

    /** How often the metrics API scrapes the kubelets (metrics-server's --metric-resolution). */
    @WithDefault("15s")
    java.time.Duration metricResolution();

    /** The address published in the kubernetes Service's endpoints; empty: the first non-loopback IPv4. */
    java.util.Optional<String> advertiseAddress();

    /** Serving certificate (PEM); with the key, the secure port serves HTTPS. */
    java.util.Optional<String> tlsCertFile();

    java.util.Optional<String> tlsPrivateKeyFile();

    /** CA bundle client certificates are verified against; unset: no client-certificate users. */
    java.util.Optional<String> clientCaFile();

    /** Static bearer tokens (CSV token,user,uid,"groups"). */
    java.util.Optional<String> tokenAuthFile();

    /** Comma-separated PEM files whose keys verify service account tokens. */
    java.util.Optional<String> serviceAccountKeyFile();

    /** PEM private key that signs service account tokens (TokenRequest). */
    java.util.Optional<String> serviceAccountSigningKeyFile();

    @WithDefault("https://kubernetes.default.svc.cluster.local")
    String serviceAccountIssuer();

    /** Comma-separated audiences the API accepts in tokens; empty: the issuer. */
    java.util.Optional<String> apiAudiences();

    /** Bearer tokens of kube-system's bootstrap-token-* Secrets (unset: on whenever requests are authenticated). */
    java.util.Optional<Boolean> enableBootstrapTokenAuth();

    /** Whether requests without credentials are served as system:anonymous. */
    @WithDefault("true")
    boolean anonymousAuth();

    /** Comma-separated authorizers in order: AlwaysAllow, AlwaysDeny, Node, RBAC. */
    @WithDefault("AlwaysAllow")
    String authorizationMode();

    // --- etcd client TLS (kube-apiserver's --etcd-cafile, --etcd-certfile, --etcd-keyfile) ---

    /** CA bundle (PEM) that verifies the etcd servers' certificates; unset: the JDK's trusted CAs. */
    java.util.Optional<String> etcdCafile();

    /** Client certificate (PEM) presented to etcd. */
    java.util.Optional<String> etcdCertfile();

    /** Private key (PEM) of {@link #etcdCertfile()}. */
    java.util.Optional<String> etcdKeyfile();

    // ---- admission (--enable-admission-plugins, --disable-admission-plugins)

    /** Comma-separated admission plugins to run besides the default-on ones. */
    java.util.Optional<String> enableAdmissionPlugins();

    /** Comma-separated admission plugins not to run, default-on ones included. */
    java.util.Optional<String> disableAdmissionPlugins();
}
