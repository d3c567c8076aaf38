package io.kybernetes.controllers;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "kybernetes")
public interface ControllersConfig {

    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    /** As upstream's --controllers: "*" all, "foo" enables foo, "-foo" disables foo. */
    @WithDefault("*")
    List<String> controllers();

    /** Workers per controller. */
    @WithDefault("2")
    int workers();

    Gc gc();

    /** How often every HorizontalPodAutoscaler is reconciled (upstream's flag of the same name). */
    @WithDefault("15s")
    java.time.Duration horizontalPodAutoscalerSyncPeriod();

    /** The usage/target ratio within which the HPA does not scale (0.1: 10%). */
    @WithDefault("0.1")
    double horizontalPodAutoscalerTolerance();

    /** How long the HPA keeps scaling down to the highest recent recommendation when no behavior sets it. */
    @WithDefault("5m")
    java.time.Duration horizontalPodAutoscalerDownscaleStabilization();

    /** Run the controllers only while holding the Lease (upstream --leader-elect). */
    @WithDefault("true")
    boolean leaderElect();

    /** How long a lease lasts without renewal (--leader-elect-lease-duration). */
    @WithDefault("12s")
    String leaderElectLeaseDuration();

    /** How long the leader retries renewing before it stops leading (--leader-elect-renew-deadline). */
    @WithDefault("8s")
    String leaderElectRenewDeadline();

    /** Interval between attempts to acquire or renew (--leader-elect-retry-period). */
    @WithDefault("1s")
    String leaderElectRetryPeriod();

    /** Kind of the lock object (--leader-elect-resource-lock); only "leases", as upstream since 1.24. */
    @WithDefault("leases")
    String leaderElectResourceLock();

    @WithDefault("kube-system")
    String leaderElectResourceNamespace();

    @WithDefault("kube-controller-manager")
    String leaderElectResourceName();

    /** Give every Node without spec.podCIDR a subnet of the cluster CIDR (upstream --allocate-node-cidrs). */
    @WithDefault("false")
    boolean allocateNodeCidrs();

    /** The CIDR the node subnets are cut from (--cluster-cidr), needed with --allocate-node-cidrs. */
    java.util.Optional<String> clusterCidr();

    /** The prefix length of a node's subnet (--node-cidr-mask-size). */
    @WithDefault("24")
    int nodeCidrMaskSize();

    /** The service range (--service-cluster-ip-range): no node gets a subnet overlapping it. */
    java.util.Optional<String> serviceClusterIpRange();

    /** Base directory of the local-path provisioner's volumes on every node. */
    @WithDefault("/var/lib/kybernetes/local-path")
    String localPathDir();

    /** Image of the helper pod that removes a deleted local-path volume's directory on its node. */
    @WithDefault("docker.io/library/busybox:latest")
    String localPathHelperImage();

    /** The CA certificate (PEM) the CSR signer signs with (--cluster-signing-cert-file); none: no signer. */
    java.util.Optional<String> clusterSigningCertFile();

    /** Its key (--cluster-signing-key-file). */
    java.util.Optional<String> clusterSigningKeyFile();

    /** How long signed certificates are valid at most (--cluster-signing-duration). */
    @WithDefault("8760h")
    String clusterSigningDuration();

    interface Gc {
        /** Dependents the garbage collector watches, as plural resource names the informers know. */
        @WithDefault("pods,replicasets,jobs,controllerrevisions,endpointslices")
        List<String> dependents();
    }

    // ---- root-ca-cert-publisher
    /** PEM bundle published as ConfigMap kube-root-ca.crt in every namespace (upstream --root-ca-file); unset: off. */
    java.util.Optional<String> rootCaFile();

    // ---- bootstrapsigner
    /** The API server URL written into a missing kube-public/cluster-info; unset: the --kubeconfig's server. */
    java.util.Optional<String> clusterInfoServer();
}
