package io.kybernetes.proxy.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Turns the Services and their endpoints (EndpointSlices, or Endpoints where the slice API is not served) into the
 * {@link ServicePort}s to program: one per port of every Service with an IPv4 ClusterIP. Headless
 * ({@code clusterIP: None}) and ExternalName Services are skipped. Endpoints are matched by port name and protocol,
 * so a named target port resolves per endpoint (each slice carries the number its pods use). Pure: never mutates.
 */
public final class ServiceTable {

    /** The label that ties an EndpointSlice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** Default sessionAffinityConfig.clientIP.timeoutSeconds. */
    public static final int DEFAULT_AFFINITY_SECONDS = 10800;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** The endpoints of one Service port, any condition. */
    @FunctionalInterface
    public interface EndpointSource {
        List<Endpoint> endpoints(ServicePortName spn);
    }

    private ServiceTable() {
    }

    /** With Endpoints objects (the fallback when discovery.k8s.io/v1 is not served). */
    public static List<ServicePort> build(Collection<Service> services, Collection<Endpoints> endpoints) {
        return build(services, fromEndpoints(endpoints, ""));
    }

    public static List<ServicePort> build(Collection<Service> services, EndpointSource source) {
        List<ServicePort> out = new ArrayList<>();
        for (Service svc : services) {
            ServiceSpec spec = svc.getSpec();
            if (svc.getMetadata() == null || spec == null || spec.getPorts() == null || !isIpv4(spec.getClusterIP())
                    || "ExternalName".equals(spec.getType())) {
                continue;
            }
            String ns = svc.getMetadata().getNamespace();
            String name = svc.getMetadata().getName();
            boolean nodePorts = "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
            List<String> externalIps = spec.getExternalIPs() == null ? List.of()
                    : spec.getExternalIPs().stream().filter(ServiceTable::isIpv4).distinct().toList();
            List<String> lbIps = new ArrayList<>();
            if ("LoadBalancer".equals(spec.getType()) && svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                    && svc.getStatus().getLoadBalancer().getIngress() != null) {
                for (LoadBalancerIngress in : svc.getStatus().getLoadBalancer().getIngress()) {
                    if (isIpv4(in.getIp()) && !lbIps.contains(in.getIp())) {
                        lbIps.add(in.getIp());
                    }
                }
            }
            int affinity = 0;
            if ("ClientIP".equals(spec.getSessionAffinity())) {
                affinity = DEFAULT_AFFINITY_SECONDS;
                if (spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
                        && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null
                        && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() > 0) {
                    affinity = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
                }
            }
            boolean etpLocal = "Local".equals(spec.getExternalTrafficPolicy());
            boolean itpLocal = "Local".equals(spec.getInternalTrafficPolicy());
            int hcnp = etpLocal && spec.getHealthCheckNodePort() != null ? spec.getHealthCheckNodePort() : 0;
            for (io.fabric8.kubernetes.api.model.ServicePort p : spec.getPorts()) {
                Optional<Protocol> protocol = Protocol.parse(p.getProtocol());
                if (protocol.isEmpty() || p.getPort() == null) {
                    continue;
                }
                ServicePortName spn = new ServicePortName(ns, name, p.getName(), protocol.get());
                int nodePort = nodePorts && p.getNodePort() != null ? p.getNodePort() : 0;
                out.add(new ServicePort(spn, spec.getClusterIP(), p.getPort(), nodePort, externalIps, lbIps, affinity,
                        etpLocal, itpLocal, hcnp, source.endpoints(spn)));
            }
        }
        out.sort(Comparator.comparing((ServicePort sp) -> sp.name().toString())
                .thenComparing(sp -> sp.protocol().ordinal()));
        return out;
    }

    /** Endpoints from EndpointSlices (IPv4 slices only); {@code nodeName} marks this node's endpoints local. */
    public static EndpointSource fromSlices(Collection<EndpointSlice> slices, String nodeName) {
        Map<String, List<EndpointSlice>> byService = new HashMap<>();
        for (EndpointSlice s : slices) {
            if (s.getMetadata() == null || s.getMetadata().getLabels() == null || !"IPv4".equals(s.getAddressType())) {
                continue;
            }
            String svc = s.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
            if (svc != null) {
                byService.computeIfAbsent(s.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>()).add(s);
            }
        }
        return spn -> {
            Map<String, Endpoint> result = new LinkedHashMap<>();
            for (EndpointSlice s : byService.getOrDefault(spn.namespace() + "/" + spn.name(), List.of())) {
                if (s.getPorts() == null || s.getEndpoints() == null) {
                    continue;
                }
                for (var port : s.getPorts()) {
                    String n = port.getName() == null ? "" : port.getName();
                    if (!n.equals(spn.port()) || port.getPort() == null
                            || !Objects.equals(Protocol.parse(port.getProtocol()).orElse(null), spn.protocol())) {
                        continue;
                    }
                    for (var e : s.getEndpoints()) {
                        if (e.getAddresses() == null || e.getAddresses().isEmpty() || !isIpv4(e.getAddresses().get(0))) {
                            continue;
                        }
                        EndpointConditions c = e.getConditions();
                        // nil ready/serving mean "unknown": consumers treat them as true; nil terminating as false
                        boolean ready = c == null || c.getReady() == null || c.getReady();
                        boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
                        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
                        boolean local = !nodeName.isEmpty() && nodeName.equals(e.getNodeName());
                        Endpoint ep = new Endpoint(e.getAddresses().get(0), port.getPort(), local, ready, serving, terminating);
                        result.merge(ep.toString(), ep, (a, b) -> a.ready() ? a : b);
                    }
                }
            }
            return result.values().stream().sorted().toList();
        };
    }

    /** Endpoints from Endpoints objects: addresses are ready, notReadyAddresses neither ready nor serving. */
    public static EndpointSource fromEndpoints(Collection<Endpoints> endpoints, String nodeName) {
        Map<String, Endpoints> byKey = new HashMap<>();
        for (Endpoints e : endpoints) {
            if (e.getMetadata() != null) {
                byKey.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e);
            }
        }
        return spn -> {
            Endpoints eps = byKey.get(spn.namespace() + "/" + spn.name());
            Map<String, Endpoint> result = new LinkedHashMap<>();
            if (eps == null || eps.getSubsets() == null) {
                return List.of();
            }
            for (EndpointSubset subset : eps.getSubsets()) {
                if (subset.getPorts() == null) {
                    continue;
                }
                for (EndpointPort ep : subset.getPorts()) {
                    String epName = ep.getName() == null ? "" : ep.getName();
                    if (!epName.equals(spn.port()) || ep.getPort() == null
                            || !Objects.equals(Protocol.parse(ep.getProtocol()).orElse(null), spn.protocol())) {
                        continue;
                    }
                    add(result, subset.getAddresses(), ep.getPort(), true, nodeName);
                    add(result, subset.getNotReadyAddresses(), ep.getPort(), false, nodeName);
                }
            }
            return result.values().stream().sorted().toList();
        };
    }

    private static void add(Map<String, Endpoint> out, List<EndpointAddress> addresses, int port, boolean ready,
            String nodeName) {
        if (addresses == null) {
            return;
        }
        for (EndpointAddress a : addresses) {
            if (isIpv4(a.getIp())) {
                boolean local = !nodeName.isEmpty() && nodeName.equals(a.getNodeName());
                Endpoint e = new Endpoint(a.getIp(), port, local, ready, ready, false);
                out.merge(e.toString(), e, (x, y) -> x.ready() ? x : y);
            }
        }
    }

    public static boolean isIpv4(String ip) {
        if (ip == null) {
            return false;
        }
        var m = IPV4.matcher(ip);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }
}
