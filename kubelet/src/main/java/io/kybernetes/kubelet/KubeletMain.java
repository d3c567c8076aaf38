package io.kybernetes.kubelet;

import java.util.Arrays;
import java.util.List;

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
        new Launcher("kybernetes-kubelet", "the kybernetes kubelet: runs the pods bound to this node through CRI", List.of(
                new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "kubeconfig file with the API server's address"),
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
                Flag.of("address", defaultAddress, "IP address to serve the kubelet HTTP API on", "quarkus.http.host"),
                Flag.of("port", "10250", "port of the kubelet HTTP API (logs, health, metrics)", "quarkus.http.port")))
                .run(args);
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
