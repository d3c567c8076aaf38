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

    /*
     * The --leader-elect* flags have no default here: only those given override the --config file's
     * leaderElection (or its defaults), as upstream.
     */

    /** Schedule only while holding the Lease (--leader-elect). */
    Optional<String> leaderElect();

    /** --leader-elect-lease-duration */
    Optional<String> leaderElectLeaseDuration();

    /** --leader-elect-renew-deadline */
    Optional<String> leaderElectRenewDeadline();

    /** --leader-elect-retry-period */
    Optional<String> leaderElectRetryPeriod();

    /** --leader-elect-resource-lock (only leases) */
    Optional<String> leaderElectResourceLock();

    /** --leader-elect-resource-name */
    Optional<String> leaderElectResourceName();

    /** --leader-elect-resource-namespace */
    Optional<String> leaderElectResourceNamespace();
}
