package io.kybernetes.scheduler;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "kybernetes")
public interface SchedulerConfig {

    /** Path of the kubeconfig file used to reach the API server. */
    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    /** Path of a KubeSchedulerConfiguration file (profiles, plugins, weights); upstream defaults without one. */
    Optional<String> config();

    /** Run only while holding the kube-system/kube-scheduler Lease (upstream --leader-elect). */
    @WithDefault("true")
    boolean leaderElect();
}
