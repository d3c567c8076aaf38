package io.kybernetes.scheduler;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class SchedulerMain {

    public static void main(String... args) {
        launcher().run(args);
    }

    /**
     * The flags. The --leader-elect* ones have no default value so that only those given override the --config
     * file; their help says the defaults. The lease defaults differ from upstream's (15s, 10s, 2s) so that a
     * standby takes over within 15 s of a leader killed without releasing (scheduler/README.md).
     */
    static Launcher launcher() {
        return new Launcher("kybernetes-scheduler", "the kybernetes scheduler: binds unscheduled pods to nodes", List.of(
                new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "path to the kubeconfig file of the API server"),
                new Flag("config", null, "path to a KubeSchedulerConfiguration file (profiles, plugins, weights, "
                        + "percentageOfNodesToScore, leaderElection); upstream defaults when absent"),
                new Flag("leader-elect", null, "schedule only while holding the Lease, so a standby can take "
                        + "over (default true)"),
                new Flag("leader-elect-lease-duration", null, "how long a lease lasts without renewal; a standby "
                        + "takes over this long after the leader's last renewal (default 12s; upstream 15s)"),
                new Flag("leader-elect-renew-deadline", null, "how long the leader retries renewing before it "
                        + "stops leading (default 8s; upstream 10s)"),
                new Flag("leader-elect-retry-period", null, "interval between attempts to acquire or renew the "
                        + "lease (default 1s; upstream 2s)"),
                new Flag("leader-elect-resource-lock", null, "kind of the lock object (only leases)"),
                new Flag("leader-elect-resource-name", null, "name of the Lease (default kube-scheduler)"),
                new Flag("leader-elect-resource-namespace", null, "namespace of the Lease (default kube-system)"),
                Flag.of("bind-address", "127.0.0.1", "address of the health/metrics HTTP server", "quarkus.http.host"),
                Flag.of("secure-port", "10259", "port of the health/metrics HTTP server (plain HTTP for now)",
                        "quarkus.http.port")));
    }
}
