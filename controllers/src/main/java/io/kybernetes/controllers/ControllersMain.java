package io.kybernetes.controllers;

import java.util.List;

import io.kybernetes.launcher.Flag;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class ControllersMain {

    public static void main(String... args) {
        launcher().run(args);
    }

    static Launcher launcher() {
        return new Launcher("kybernetes-controllers", "the kybernetes controllers (workloads, endpoints, namespaces, nodes, "
                + "garbage collector, horizontal pod autoscaler, disruption budgets, node IPAM, volumes)", List.of(
                        new Flag("kubeconfig", "/etc/kybernetes/admin.conf",
                                "path to the kubeconfig file of the API server"),
                        new Flag("controllers", "*", "controllers to run: '*' for all, 'name' to enable, "
                                + "'-name' to disable; known: deployment, replicaset, endpoints, garbagecollector, job, cronjob, endpointslice, namespace, daemonset, statefulset, serviceaccount, nodelifecycle, replicationcontroller, horizontalpodautoscaling, disruption, nodeipam, persistentvolume-binder, pvc-protection, pv-protection, csrsigning, csrapproving, root-ca-cert-publisher, bootstrapsigner, tokencleaner"),
                        new Flag("local-path-dir", "/var/lib/kybernetes/local-path", "base directory of the "
                                + "local-path provisioner's (kybernetes.io/local-path) volumes on every node"),
                        new Flag("local-path-helper-image", "docker.io/library/busybox:latest", "image of the "
                                + "helper pod that removes a deleted local-path volume's directory on its node"),
                        new Flag("horizontal-pod-autoscaler-sync-period", "15s",
                                "period for syncing the number of pods in horizontal pod autoscaler"),
                        new Flag("horizontal-pod-autoscaler-tolerance", "0.1",
                                "minimum change (from 1.0) in the desired-to-actual metrics ratio for the horizontal "
                                        + "pod autoscaler to consider scaling"),
                        new Flag("horizontal-pod-autoscaler-downscale-stabilization", "5m",
                                "period for which the autoscaler looks backwards and does not scale down below any "
                                        + "recommendation it made during that period"),
                        new Flag("allocate-node-cidrs", "false", "give every Node without spec.podCIDR the next "
                                + "free subnet of --cluster-cidr (the nodeipam controller)"),
                        new Flag("cluster-cidr", null, "CIDR range of the pods, cut into node subnets with "
                                + "--allocate-node-cidrs, e.g. 10.244.0.0/16"),
                        new Flag("node-cidr-mask-size", "24", "prefix length of a node's pod subnet"),
                        new Flag("service-cluster-ip-range", null, "CIDR range of the services, kept out of the "
                                + "node subnets"),
                        new Flag("cluster-signing-cert-file", null, "PEM CA certificate the CSR signer issues "
                                + "certificates with (signers kubernetes.io/kube-apiserver-client, "
                                + "kube-apiserver-client-kubelet, kubelet-serving); with --cluster-signing-key-file "
                                + "it also starts the approver of kubelet client CSRs; without: neither runs"),
                        new Flag("cluster-signing-key-file", null, "PEM private key of --cluster-signing-cert-file"),
                        new Flag("cluster-signing-duration", "8760h", "the longest validity of signed certificates"),
                        new Flag("root-ca-file", null, "PEM CA bundle published as ConfigMap kube-root-ca.crt "
                                + "(key ca.crt) in every namespace; unset: the publisher does not run"),
                        new Flag("cluster-info-server", null, "API server URL the bootstrapsigner writes into "
                                + "ConfigMap kube-public/cluster-info when it is missing (with --root-ca-file); "
                                + "default: the server of --kubeconfig"),
                        new Flag("leader-elect", "true", "run the controllers only while holding the Lease "
                                + "kube-system/kube-controller-manager, so that a standby replica can take over"),
                        new Flag("leader-elect-lease-duration", "12s", "how long a lease lasts without renewal; a "
                                + "standby takes over this long after the leader's last renewal (upstream: 15s)"),
                        new Flag("leader-elect-renew-deadline", "8s", "how long the leader retries renewing before "
                                + "it stops leading (upstream: 10s)"),
                        new Flag("leader-elect-retry-period", "1s", "interval between attempts to acquire or renew "
                                + "the lease (upstream: 2s)"),
                        new Flag("leader-elect-resource-lock", "leases", "kind of the lock object (only leases)"),
                        new Flag("leader-elect-resource-namespace", "kube-system", "namespace of the Lease"),
                        new Flag("leader-elect-resource-name", "kube-controller-manager", "name of the Lease"),
                        Flag.of("bind-address", "127.0.0.1", "address of the health/metrics HTTP server",
                                "quarkus.http.host"),
                        Flag.of("secure-port", "10257", "port of the health/metrics HTTP server (plain HTTP for now)",
                                "quarkus.http.port")));
    }
}
