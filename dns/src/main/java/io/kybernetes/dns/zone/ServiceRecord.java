package io.kybernetes.dns.zone;

import java.util.List;

/** What DNS needs of one Service and its endpoints. */
public record ServiceRecord(String namespace, String name, Kind kind, List<String> clusterIps, String externalName,
        List<ServicePort> ports, List<Endpoint> endpoints, boolean publishNotReadyAddresses) {

    public enum Kind { CLUSTER_IP, HEADLESS, EXTERNAL_NAME }

    public ServiceRecord {
        clusterIps = List.copyOf(clusterIps);
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    /** The endpoints DNS publishes: ready ones, or all with publishNotReadyAddresses. */
    public List<Endpoint> published() {
        if (publishNotReadyAddresses || endpoints.stream().allMatch(Endpoint::ready)) {
            return endpoints;
        }
        return endpoints.stream().filter(Endpoint::ready).toList();
    }
}
