package io.kybernetes.kubelet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.kybernetes.kubelet.certificate.ServingPlaceholder;
import io.kybernetes.kubelet.node.NodeAddresses;
import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class KubeletMain {

    public static void main(String... args) {
        // --address defaults to the node IP, which is only known at run time (an explicit --node-ip wins).
        String nodeIp = flagValue(args, "node-ip");
        String defaultAddress = nodeIp != null ? nodeIp : NodeAddresses.firstNonLoopbackIPv4();
        servingPlaceholder(args);
        new Launcher("kybernetes-kubelet", "the kybernetes kubelet: runs the pods bound to this node through CRI", List.of(
                new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "kubeconfig file with the API server's address"
                        + " (with --bootstrap-kubeconfig: written by TLS bootstrap when missing)"),
                // TLS bootstrap and certificate rotation (certificate/)
                new Flag("bootstrap-kubeconfig", null, "kubeconfig with bootstrap credentials (a bootstrap token): "
                        + "when --kubeconfig is missing or its certificate expired, request a client certificate "
                        + "with them and write --kubeconfig"),
                new Flag("rotate-certificates", "false",
                        "renew the client certificate from the cluster after 70-90% of its lifetime"),
                new Flag("rotate-server-certificates", "false", "request the serving certificate from the cluster "
                        + "(signer kubernetes.io/kubelet-serving) instead of --tls-cert-file, and renew it"),
                new Flag("cert-dir", null, "directory of the certificates TLS bootstrap and rotation keep "
                        + "(default <root-dir>/pki)"),
                new Flag("container-runtime-endpoint", "unix:///run/kybernetes/containerd/containerd.sock",
                        "CRI endpoint of the container runtime (unix socket)"),
                new Flag("hostname-override", null, "node name to use instead of the host name"),
                new Flag("node-ip", null, "IPv4 address of the node (default: first non-loopback IPv4)"),
                new Flag("pod-cidr", "10.244.0.0/24", "pod CIDR of this node (spec.podCIDR)"),
                new Flag("root-dir", "/var/lib/kybernetes/kubelet", "kubelet state directory"),
                new Flag("cluster-dns", "10.96.0.10", "comma-separated IPs of the cluster DNS servers"),
                new Flag("cluster-domain", "cluster.local", "DNS domain of the cluster"),
                new Flag("resolv-conf", "/etc/resolv.conf", "resolver configuration of pods with dnsPolicy Default"),
                new Flag("pod-manifest-path", "/etc/kybernetes/manifests",
                        "directory of static pod manifests, watched even before it exists (empty: no static pods)"),
                new Flag("pod-log-dir", "/var/log/kybernetes/pods", "directory of the pods' container logs"),
                // the HTTPS server, authentication and authorization of --port (server/)
                new Flag("tls-cert-file", null, "PEM serving certificate (with its chain): --port serves HTTPS"),
                new Flag("tls-private-key-file", null, "PEM private key of --tls-cert-file"),
                new Flag("client-ca-file", null, "PEM CA bundle: authenticate client certificates it signed "
                        + "(CN = user, O = groups)"),
                new Flag("anonymous-auth", "true",
                        "serve requests without credentials as system:anonymous (false: 401)"),
                new Flag("authentication-token-webhook", "false",
                        "check bearer tokens with a TokenReview against the API server"),
                new Flag("authentication-token-webhook-cache-ttl", "2m", "how long TokenReview answers are cached"),
                new Flag("authorization-mode", "AlwaysAllow",
                        "AlwaysAllow, or Webhook: a SubjectAccessReview per request (resource nodes, subresource "
                                + "stats, metrics, log, spec or proxy)"),
                new Flag("authorization-webhook-cache-authorized-ttl", "5m", "how long allowed answers are cached"),
                new Flag("authorization-webhook-cache-unauthorized-ttl", "30s", "how long denied answers are cached"),
                new Flag("healthz-port", "10248", "port of the plain-HTTP /healthz endpoint (0: off)"),
                new Flag("healthz-bind-address", "127.0.0.1", "address of the /healthz endpoint"),
                new Flag("eviction-hard", io.kybernetes.kubelet.eviction.Thresholds.DEFAULT_HARD,
                        "hard eviction thresholds, signal<quantity or percentage, comma-separated; setting it replaces "
                        + "all defaults, and a value of 0 turns a signal off (signals: memory.available, "
                        + "nodefs.available, nodefs.inodesFree, imagefs.available, imagefs.inodesFree, pid.available)"),
                new Flag("eviction-soft", null, "soft eviction thresholds (same syntax as --eviction-hard), each "
                        + "acted on once met for its grace period"),
                new Flag("eviction-soft-grace-period", null,
                        "grace periods of the soft thresholds, signal=duration comma-separated (e.g. memory.available=1m30s)"),
                new Flag("eviction-minimum-reclaim", null, "how far past its threshold a signal must recover before "
                        + "the pressure ends, signal=quantity comma-separated (e.g. nodefs.available=500Mi)"),
                new Flag("eviction-pressure-transition-period", "5m",
                        "how long a pressure node condition stays True after its threshold was last met"),
                new Flag("eviction-max-pod-grace-period", "0",
                        "grace period in seconds of pods evicted for a soft threshold (hard: 0)"),
                new Flag("housekeeping-interval", "10s",
                        "how often the eviction manager reads the signals and usage (it evicts at most one pod each time)"),
                new Flag("image-gc-high-threshold", "85", "percent of image file system usage at or above which "
                        + "image garbage collection runs (100: never)"),
                new Flag("image-gc-low-threshold", "80",
                        "percent of image file system usage image garbage collection frees down to"),
                new Flag("image-minimum-gc-age", "2m", "minimum age of an unused image before it is garbage collected"),
                new Flag("image-maximum-gc-age", "0s", "unused images older than this are garbage collected whatever "
                        + "the disk usage (0s: off)"),
                new Flag("pod-infra-container-image", "docker.io/library/pause:3.9",
                        "the sandbox image, never garbage collected (the runtime's own config chooses the image it runs)"),
                new Flag("minimum-container-ttl-duration", "0s",
                        "minimum age of a dead container before it is garbage collected"),
                new Flag("maximum-dead-containers-per-container", "1",
                        "dead instances kept per container (for `kubectl logs --previous`); -1: no limit"),
                new Flag("maximum-dead-containers", "-1", "dead containers kept on the node in all (-1: no limit)"),
                new Flag("hollow-nodes", "0", "scale tests only: register N hollow nodes with a fake runtime instead of "
                        + "this node (pods bound to them are reported Running; nothing runs)"),
                new Flag("hollow-node-prefix", "hollow-node-", "name prefix of the hollow nodes (<prefix>0, <prefix>1, ...)"),
                new Flag("hollow-zones", "3", "number of topology.kubernetes.io/zone values the hollow nodes spread over"),
                new Flag("hollow-node-cpu", "4", "CPU capacity of each hollow node"),
                new Flag("hollow-node-memory", "32Gi", "memory capacity of each hollow node"),
                new Flag("hollow-lease-interval", "10s", "how often each hollow node renews its Lease"),
                new Flag("hollow-status-interval", "5m", "how often each hollow node re-posts its status"),
                new Flag("hollow-start-delay", "200ms", "delay before a hollow node reports a pod Running; negative: "
                        + "leave bound pods alone (no pod watch, as scheduler_perf)"),
                new Flag("hollow-workers", "16", "concurrent API calls of the hollow nodes"),
                Flag.of("address", defaultAddress, "IP address to serve the kubelet HTTP API on", "quarkus.http.host"),
                Flag.of("port", "10250", "port of the kubelet HTTP API (logs, health, metrics)", "quarkus.http.port")))
                .run(args);
    }

    /**
     * --rotate-server-certificates without --tls-cert-file: the HTTPS server starts with the serving store's current
     * pair, a self-signed placeholder until the cluster signs one (the files must exist before Quarkus reads them).
     */
    private static void servingPlaceholder(String[] args) {
        String rotate = flagValue(args, "rotate-server-certificates");
        boolean bare = List.of(args).contains("--rotate-server-certificates") && (rotate == null || rotate.startsWith("-"));
        if (!(bare || "true".equals(rotate)) || flagValue(args, "tls-cert-file") != null
                || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            return;
        }
        String root = Optional.ofNullable(flagValue(args, "root-dir")).orElse("/var/lib/kybernetes/kubelet");
        String node = Optional.ofNullable(flagValue(args, "hostname-override")).map(String::toLowerCase)
                .orElseGet(NodeAddresses::hostname);
        try {
            ServingPlaceholder.ensure(Optional.ofNullable(flagValue(args, "cert-dir")).map(Path::of)
                    .orElse(Path.of(root, "pki")), node);
        } catch (IOException e) {
            System.err.println("kubelet cannot start: cannot write its serving placeholder certificate: "
                    + e.getMessage());
            System.exit(1);
        }
    }

    private static String flagValue(String[] args, String name) {
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            if (a.equals("--" + name) && i + 1 < list.size()) {
                return list.get(i + 1);
            }
            if (a.startsWith("--" + name + "=")) {
                return a.substring(name.length() + 3);
            }
        }
        return null;
    }
}
