package io.kybernetes.scheduler;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class SchedulerMain {

    public static void main(String... args) {
        new Launcher("kybernetes-scheduler", "the kybernetes scheduler: binds unscheduled pods to nodes", List.of(
                new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "path to the kubeconfig file of the API server"),
                new Flag("config", null, "path to a KubeSchedulerConfiguration file (profiles, plugins, weights, "
                        + "percentageOfNodesToScore, leaderElection); upstream defaults when absent"),
                new Flag("leader-elect", "true", "schedule only while holding the kube-system/kube-scheduler Lease, "
                        + "so a standby can take over"),
                Flag.of("bind-address", "127.0.0.1", "address of the health/metrics HTTP server", "quarkus.http.host"),
                Flag.of("secure-port", "10259", "port of the health/metrics HTTP server (plain HTTP for now)",
                        "quarkus.http.port")))
                .run(args);
    }
}
