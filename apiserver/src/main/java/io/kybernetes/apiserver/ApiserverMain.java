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
                                "port to serve the API on (plain HTTP for now: TLS is not implemented yet)",
                                "quarkus.http.port"),
                        new Flag("etcd-servers", "http://127.0.0.1:2379", "comma-separated etcd v3 client URLs"),
                        new Flag("service-cluster-ip-range", "10.96.0.0/12", "CIDR from which Service cluster IPs are allocated"),
                        new Flag("service-node-port-range", "30000-32767", "port range reserved for NodePort Services"),
                        new Flag("advertise-address", "",
                                "IP address published in the endpoints of the kubernetes service (default: the first "
                                        + "non-loopback IPv4 address)"),
                        new Flag("max-requests-inflight", "400",
                                "maximum number of non-watch requests in flight; beyond it the server answers 429"),
                        new Flag("default-watch-cache-size", "2048",
                                "recent changes the watch cache keeps per resource for watches that resume; 0 gives "
                                        + "every watch a store watch of its own")))
                .run(args);
    }
}
