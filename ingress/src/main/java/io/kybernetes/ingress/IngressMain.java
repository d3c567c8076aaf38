package io.kybernetes.ingress;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

/** The Ingress controller: renders the Ingresses of its class into one nginx.conf and keeps a real nginx on it. */
@QuarkusMain
public class IngressMain {

    static final List<Flag> FLAGS = List.of(
            new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "kubeconfig file with the API server's address"),
            new Flag("master", null, "API server URL; overrides the server of --kubeconfig"),
            new Flag("ingress-class", "nginx", "name of the IngressClass this controller serves"),
            new Flag("controller-class", "k8s.io/ingress-nginx",
                    "spec.controller of the IngressClasses this controller serves"),
            new Flag("watch-ingress-without-class", "false",
                    "also serve Ingresses without a class (served anyway when an IngressClass of ours is marked default)"),
            new Flag("publish-status-address", null,
                    "address written to the Ingresses' status.loadBalancer.ingress (the node's IP)"),
            new Flag("nginx-binary", "/usr/sbin/nginx", "the nginx executable"),
            new Flag("config-dir", "/etc/nginx/kybernetes", "where nginx.conf, certificates and temp files go"),
            new Flag("http-port", "80", "port nginx serves HTTP on"),
            new Flag("https-port", "443", "port nginx serves HTTPS on"),
            new Flag("worker-processes", "1", "nginx worker processes"),
            new Flag("debounce", "200ms", "quiet time after a change before nginx.conf is rendered and reloaded"),
            new Flag("resync-period", "10m", "full resync period of the informers (0 disables)"),
            Flag.of("health-port", "10254", "HTTP port of /healthz, /livez, /readyz and /metrics", "quarkus.http.port"));

    public static void main(String... args) {
        new Launcher("kybernetes-ingress", "routes HTTP(S) to Services as the cluster's Ingresses say, through nginx",
                FLAGS).run(args);
    }
}
