package io.kybernetes.proxy.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;

/**
 * Turns the Services and Endpoints an informer holds into the {@link ServicePort}s to program: one per port of
 * every Service with an IPv4 ClusterIP, with the ready addresses of the Endpoints port of the same name and
 * protocol. Headless ({@code clusterIP: None}) and ExternalName Services are skipped. Pure: reads, never mutates.
 */
public final class ServiceTable {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private ServiceTable() {
    }

    public static List<ServicePort> build(Collection<Service> services, Collection<Endpoints> endpoints) {
        Map<String, Endpoints> byKey = new HashMap<>();
        for (Endpoints e : endpoints) {
            if (e.getMetadata() != null) {
                byKey.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e);
            }
        }
        List<ServicePort> out = new ArrayList<>();
        for (Service svc : services) {
            ServiceSpec spec = svc.getSpec();
            if (svc.getMetadata() == null || spec == null || spec.getPorts() == null || !isIpv4(spec.getClusterIP())
                    || "ExternalName".equals(spec.getType())) {
                continue;
            }
            String ns = svc.getMetadata().getNamespace();
            String name = svc.getMetadata().getName();
            Endpoints eps = byKey.get(ns + "/" + name);
            for (io.fabric8.kubernetes.api.model.ServicePort p : spec.getPorts()) {
                Optional<Protocol> protocol = Protocol.parse(p.getProtocol());
                if (protocol.isEmpty() || p.getPort() == null) {
                    continue;
                }
                ServicePortName spn = new ServicePortName(ns, name, p.getName(), protocol.get());
                out.add(new ServicePort(spn, spec.getClusterIP(), p.getPort(), readyEndpoints(eps, spn)));
            }
        }
        out.sort(Comparator.comparing((ServicePort sp) -> sp.name().toString())
                .thenComparing(sp -> sp.protocol().ordinal()));
        return out;
    }

    /** Ready addresses of the Endpoints port matching {@code spn} by name and protocol, sorted, no duplicates. */
    static List<Endpoint> readyEndpoints(Endpoints eps, ServicePortName spn) {
        TreeSet<Endpoint> result = new TreeSet<>();
        if (eps == null || eps.getSubsets() == null) {
            return List.of();
        }
        for (EndpointSubset subset : eps.getSubsets()) {
            if (subset.getAddresses() == null || subset.getPorts() == null) {
                continue;
            }
            for (EndpointPort ep : subset.getPorts()) {
                String epName = ep.getName() == null ? "" : ep.getName();
                if (!epName.equals(spn.port()) || ep.getPort() == null
                        || !Objects.equals(Protocol.parse(ep.getProtocol()).orElse(null), spn.protocol())) {
                    continue;
                }
                for (EndpointAddress a : subset.getAddresses()) {
                    if (isIpv4(a.getIp())) {
                        result.add(new Endpoint(a.getIp(), ep.getPort()));
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    static boolean isIpv4(String ip) {
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
