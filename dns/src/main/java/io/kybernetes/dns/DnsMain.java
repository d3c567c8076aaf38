package io.kybernetes.dns;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

/** The cluster DNS server: Kubernetes DNS-based service discovery for one cluster domain, the rest forwarded. */
@QuarkusMain
public class DnsMain {

    static final List<Flag> FLAGS = List.of(
            new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "kubeconfig file with the API server's address"),
            new Flag("master", null, "API server URL; overrides the server of --kubeconfig"),
            new Flag("listen", "0.0.0.0:53", "IP:port to serve DNS on (UDP and TCP)"),
            new Flag("cluster-domain", "cluster.local", "the cluster's DNS domain"),
            new Flag("upstream", null,
                    "comma-separated resolvers (IP or IP:port) for names outside the cluster domain "
                            + "(default: the nameservers of /etc/resolv.conf)"),
            new Flag("ttl", "5", "TTL in seconds of the cluster's records"),
            new Flag("endpoint-slices", "auto",
                    "watch EndpointSlices: auto (if the API serves discovery.k8s.io/v1), true or false; "
                            + "Endpoints are always watched"),
            new Flag("cache-size", "10000", "responses of upstream resolvers kept in the cache"),
            Flag.of("health-port", "8080", "HTTP port of /healthz, /livez, /readyz and /metrics", "quarkus.http.port"));

    public static void main(String... args) {
        new Launcher("kybernetes-dns", "serves the cluster's DNS records and forwards other names", FLAGS).run(args);
    }
}
