package io.kybernetes.apiserver;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class ApiserverMain {

    public static void main(String... args) {
        new Launcher("kybernetes-apiserver", "the Kubernetes API (REST, watch, patch, discovery) over an etcd v3 store",
                List.of(
                        Flag.of("bind-address", "127.0.0.1", "address to listen on", "quarkus.http.host"),
                        Flag.of("secure-port", "6443",
                                "port to serve the API on (HTTPS with --tls-cert-file and --tls-private-key-file, else plain HTTP)",
                                "quarkus.http.port"),
                        new Flag("tls-cert-file", null, "PEM serving certificate (with its chain): serve HTTPS"),
                        new Flag("tls-private-key-file", null, "PEM private key of --tls-cert-file"),
                        new Flag("client-ca-file", null,
                                "PEM CA bundle: request client certificates and authenticate those it signed "
                                        + "(CN = user, O = groups)"),
                        new Flag("token-auth-file", null, "CSV of static bearer tokens: token,user,uid,\"group1,group2\""),
                        new Flag("service-account-key-file", null,
                                "comma-separated PEM files with the keys that verify service account tokens"),
                        new Flag("service-account-signing-key-file", null,
                                "PEM private key that signs service account tokens (enables the TokenRequest API)"),
                        new Flag("service-account-issuer", "https://kubernetes.default.svc.cluster.local",
                                "issuer (iss) of the service account tokens"),
                        new Flag("api-audiences", null,
                                "comma-separated audiences the API accepts in tokens (default: the issuer)"),
                        new Flag("enable-bootstrap-token-auth", null, "accept bootstrap tokens (<id>.<secret>, "
                                + "Secrets kube-system/bootstrap-token-<id>) as bearer tokens of "
                                + "system:bootstrap:<id>; default: on whenever requests are authenticated"),
                        new Flag("anonymous-auth", "true",
                                "serve requests without credentials as system:anonymous (group system:unauthenticated)"),
                        new Flag("authorization-mode", "AlwaysAllow",
                                "comma-separated authorizers in order: AlwaysAllow, AlwaysDeny, Node, RBAC"),
                        // how the apiserver reaches kubelets (logs, exec/attach/port-forward, metrics)
                        new Flag("kubelet-client-certificate", null,
                                "PEM client certificate presented to kubelets: reach them over HTTPS"),
                        new Flag("kubelet-client-key", null, "PEM private key of --kubelet-client-certificate"),
                        new Flag("kubelet-certificate-authority", null,
                                "PEM CA bundle that kubelets' serving certificates are verified against (unset: not verified)"),
                        new Flag("etcd-servers", "http://127.0.0.1:2379", "comma-separated etcd v3 client URLs"),
                        // etcd client TLS: used with https:// --etcd-servers
                        new Flag("etcd-cafile", null, "PEM CA bundle that verifies the etcd servers (https:// URLs)"),
                        new Flag("etcd-certfile", null, "PEM client certificate for etcd"),
                        new Flag("etcd-keyfile", null, "PEM private key of --etcd-certfile"),
                        new Flag("service-cluster-ip-range", "10.96.0.0/12", "CIDR from which Service cluster IPs are allocated"),
                        new Flag("service-node-port-range", "30000-32767", "port range reserved for NodePort Services"),
                        new Flag("advertise-address", "",
                                "IP address published in the endpoints of the kubernetes service (default: the first "
                                        + "non-loopback IPv4 address)"),
                        new Flag("metric-resolution", "15s",
                                "interval at which the metrics API scrapes the kubelets (as metrics-server's flag)"),
                        new Flag("max-requests-inflight", "400",
                                "maximum number of non-watch requests in flight; beyond it the server answers 429"),
                        new Flag("default-watch-cache-size", "2048",
                                "recent changes the watch cache keeps per resource for watches that resume; 0 gives "
                                        + "every watch a store watch of its own"),
                        // ---- admission
                        new Flag("enable-admission-plugins", null,
                                "comma-separated admission plugins to enable besides the default ones (NamespaceLifecycle, "
                                        + "LimitRanger, ServiceAccount, PodSecurity, Priority, DefaultTolerationSeconds, "
                                        + "DefaultStorageClass, ResourceQuota); order does not matter"),
                        new Flag("disable-admission-plugins", null,
                                "comma-separated admission plugins to disable, default ones included")))
                .run(args);
    }
}
