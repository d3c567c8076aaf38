package io.kybernetes.dns.watch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kybernetes.dns.zone.Endpoint;
import io.kybernetes.dns.zone.ServicePort;
import io.kybernetes.dns.zone.ServiceRecord;

/**
 * Turns the API objects into {@link ServiceRecord}s. A Service's endpoints come from its EndpointSlices (label
 * {@code kubernetes.io/service-name}) when it has any, else from its Endpoints object, so the zone works whether the
 * cluster's controllers write slices, Endpoints, or both.
 */
public final class ServiceRecords {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private ServiceRecords() {
    }

    public static List<ServiceRecord> build(Collection<Service> services, Collection<EndpointSlice> slices,
            Collection<Endpoints> endpoints) {
        Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice s : slices) {
            Map<String, String> labels = s.getMetadata().getLabels();
            String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (svc != null) {
                slicesByService.computeIfAbsent(s.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>()).add(s);
            }
        }
        Map<String, Endpoints> endpointsByService = new HashMap<>();
        for (Endpoints e : endpoints) {
            endpointsByService.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e);
        }
        List<ServiceRecord> out = new ArrayList<>(services.size());
        for (Service s : services) {
            String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
            ServiceRecord r = record(s, slicesByService.get(key), endpointsByService.get(key));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    static ServiceRecord record(Service s, List<EndpointSlice> slices, Endpoints endpoints) {
        ServiceSpec spec = s.getSpec();
        if (spec == null) {
            return null;
        }
        String ns = s.getMetadata().getNamespace();
        String name = s.getMetadata().getName();
        List<ServicePort> ports = new ArrayList<>();
        if (spec.getPorts() != null) {
            for (io.fabric8.kubernetes.api.model.ServicePort p : spec.getPorts()) {
                ports.add(new ServicePort(p.getName(), protocol(p.getProtocol()), p.getPort() == null ? 0 : p.getPort()));
            }
        }
        boolean publishNotReady = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses());
        if ("ExternalName".equals(spec.getType())) {
            return new ServiceRecord(ns, name, ServiceRecord.Kind.EXTERNAL_NAME, List.of(), spec.getExternalName(),
                    ports, List.of(), publishNotReady);
        }
        List<String> ips = new ArrayList<>();
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            ips.addAll(spec.getClusterIPs());
        } else if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
            ips.add(spec.getClusterIP());
        }
        ips.removeIf(ip -> ip == null || ip.isEmpty() || ip.equals("None"));
        boolean headless = "None".equals(spec.getClusterIP());
        if (!headless && ips.isEmpty()) {
            return null; // no IP allocated yet: nothing to answer until there is one
        }
        List<Endpoint> eps = slices != null && !slices.isEmpty() ? fromSlices(slices) : fromEndpoints(endpoints);
        return new ServiceRecord(ns, name, headless ? ServiceRecord.Kind.HEADLESS : ServiceRecord.Kind.CLUSTER_IP,
                ips, null, ports, eps, publishNotReady);
    }

    static List<Endpoint> fromSlices(List<EndpointSlice> slices) {
        List<Endpoint> out = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            List<ServicePort> ports = new ArrayList<>();
            if (slice.getPorts() != null) {
                for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort p : slice.getPorts()) {
                    ports.add(new ServicePort(p.getName(), protocol(p.getProtocol()), p.getPort() == null ? 0 : p.getPort()));
                }
            }
            if (slice.getEndpoints() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
                // a nil "ready" means ready (the API's documented default)
                boolean ready = e.getConditions() == null || e.getConditions().getReady() == null
                        || e.getConditions().getReady();
                if (e.getAddresses() == null) {
                    continue;
                }
                for (String ip : e.getAddresses()) {
                    out.add(new Endpoint(ip, e.getHostname(), ready, ports));
                }
            }
        }
        return out;
    }

    static List<Endpoint> fromEndpoints(Endpoints endpoints) {
        List<Endpoint> out = new ArrayList<>();
        if (endpoints == null || endpoints.getSubsets() == null) {
            return out;
        }
        for (EndpointSubset subset : endpoints.getSubsets()) {
            List<ServicePort> ports = new ArrayList<>();
            if (subset.getPorts() != null) {
                for (EndpointPort p : subset.getPorts()) {
                    ports.add(new ServicePort(p.getName(), protocol(p.getProtocol()), p.getPort() == null ? 0 : p.getPort()));
                }
            }
            add(out, subset.getAddresses(), true, ports);
            add(out, subset.getNotReadyAddresses(), false, ports);
        }
        return out;
    }

    private static void add(List<Endpoint> out, List<EndpointAddress> addresses, boolean ready, List<ServicePort> ports) {
        if (addresses == null) {
            return;
        }
        for (EndpointAddress a : addresses) {
            if (a.getIp() != null) {
                out.add(new Endpoint(a.getIp(), a.getHostname(), ready, ports));
            }
        }
    }

    private static String protocol(String p) {
        return p == null ? "tcp" : p.toLowerCase(Locale.ROOT);
    }
}
