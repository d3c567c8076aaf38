package io.kybernetes.proxy.ipvs;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * What IPVS holds (or should hold): virtual services by key with their real servers, and the addresses bound to
 * the dummy interface (cluster, external and load balancer IPs must be local for IPVS to see their packets).
 */
public record IpvsState(TreeMap<String, VirtualServer> services, Map<String, SortedSet<RealServer>> realServers,
        Set<String> boundAddresses) {
}
