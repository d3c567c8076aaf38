package io.kybernetes.proxy.service;

import java.util.List;

/**
 * One port of a Service and every endpoint behind it: the unit the proxiers program.
 *
 * @param nodePort            0 when the Service has none
 * @param externalIps         {@code spec.externalIPs} (IPv4)
 * @param loadBalancerIps     {@code status.loadBalancer.ingress[].ip} (IPv4)
 * @param affinitySeconds     sessionAffinity ClientIP timeout; 0 when there is no affinity
 * @param externalLocal       externalTrafficPolicy Local (only meaningful with external destinations)
 * @param internalLocal       internalTrafficPolicy Local
 * @param healthCheckNodePort 0 when none
 * @param endpoints           all endpoints (any condition); {@link #clusterEndpoints()} selects as upstream
 */
public record ServicePort(ServicePortName name, String clusterIp, int port, int nodePort, List<String> externalIps,
        List<String> loadBalancerIps, int affinitySeconds, boolean externalLocal, boolean internalLocal,
        int healthCheckNodePort, List<Endpoint> endpoints) {

    public ServicePort {
        externalIps = List.copyOf(externalIps);
        loadBalancerIps = List.copyOf(loadBalancerIps);
        endpoints = List.copyOf(endpoints);
    }

    /** A plain ClusterIP port. */
    public ServicePort(ServicePortName name, String clusterIp, int port, List<Endpoint> endpoints) {
        this(name, clusterIp, port, 0, List.of(), List.of(), 0, false, false, 0, endpoints);
    }

    public Protocol protocol() {
        return name.protocol();
    }

    public boolean hasExternal() {
        return nodePort > 0 || !externalIps.isEmpty() || !loadBalancerIps.isEmpty();
    }

    /** externalTrafficPolicy Local applies only to Services with external destinations, as upstream. */
    public boolean externalPolicyLocal() {
        return externalLocal && hasExternal();
    }

    /** The endpoints traffic may use: the ready ones, or when none is ready the serving terminating ones. */
    public List<Endpoint> usableEndpoints() {
        return usable(endpoints);
    }

    /** {@link #usableEndpoints()} of this node only. */
    public List<Endpoint> localEndpoints() {
        return usable(endpoints.stream().filter(Endpoint::local).toList());
    }

    /** Some traffic is balanced over all endpoints (the cluster policy chain, KUBE-SVC). */
    public boolean usesClusterEndpoints() {
        return !internalLocal || (hasExternal() && !externalPolicyLocal());
    }

    /** Some traffic is balanced over this node's endpoints only (the local policy chain, KUBE-SVL). */
    public boolean usesLocalEndpoints() {
        return internalLocal || externalPolicyLocal();
    }

    /** The endpoints of the cluster policy chain; empty when no policy uses it. */
    public List<Endpoint> clusterPolicyEndpoints() {
        return usesClusterEndpoints() ? usableEndpoints() : List.of();
    }

    /** The endpoints of the local policy chain; empty when no policy uses it. */
    public List<Endpoint> localPolicyEndpoints() {
        return usesLocalEndpoints() ? localEndpoints() : List.of();
    }

    /** Where cluster IP traffic goes. */
    public List<Endpoint> internalEndpoints() {
        return internalLocal ? localPolicyEndpoints() : clusterPolicyEndpoints();
    }

    /** Where node port, external IP and load balancer traffic goes. */
    public List<Endpoint> externalEndpoints() {
        return externalPolicyLocal() ? localPolicyEndpoints() : clusterPolicyEndpoints();
    }

    /** Every endpoint some chain sends traffic to, sorted. */
    public List<Endpoint> programmedEndpoints() {
        java.util.TreeSet<Endpoint> all = new java.util.TreeSet<>(clusterPolicyEndpoints());
        all.addAll(localPolicyEndpoints());
        return List.copyOf(all);
    }

    private static List<Endpoint> usable(List<Endpoint> eps) {
        List<Endpoint> ready = eps.stream().filter(Endpoint::ready).sorted().toList();
        if (!ready.isEmpty()) {
            return ready;
        }
        return eps.stream().filter(e -> e.serving() && e.terminating()).sorted().toList();
    }
}
