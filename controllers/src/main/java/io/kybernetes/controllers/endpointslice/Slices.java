package io.kybernetes.controllers.endpointslice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.kybernetes.controllers.endpoints.Subsets;
import io.kybernetes.controllers.informers.PodState;

/**
 * The desired EndpointSlice contents of a Service: one endpoint per selected pod with an IPv4 address (ready,
 * serving and terminating conditions as upstream), grouped by the resolved port list, at most
 * {@link #MAX_ENDPOINTS} per slice, sorted for stable comparison.
 */
public final class Slices {

    public static final int MAX_ENDPOINTS = 100;

    /** One slice's worth: its ports and endpoints. */
    public record Content(List<EndpointPort> ports, List<Endpoint> endpoints) {
    }

    private Slices() {
    }

    public static List<Content> desired(Service svc, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        List<ServicePort> svcPorts = svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
        Map<List<EndpointPort>, List<Endpoint>> groups = new LinkedHashMap<>();
        for (Pod pod : pods) {
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null || ip.isEmpty() || ip.contains(":") || PodState.terminal(pod)) {
                continue;
            }
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort sp : svcPorts) {
                Integer target = Subsets.resolve(sp, pod);
                if (target != null) {
                    ports.add(new EndpointPortBuilder().withName(sp.getName() == null ? "" : sp.getName())
                            .withPort(target).withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol())
                            .withAppProtocol(sp.getAppProtocol()).build());
                }
            }
            if (ports.isEmpty() && !svcPorts.isEmpty()) {
                continue;
            }
            boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
            boolean serving = PodState.ready(pod) || publishNotReady;
            Endpoint ep = new EndpointBuilder().withAddresses(ip).withNewConditions()
                    .withReady(serving && (!terminating || publishNotReady)).withServing(serving)
                    .withTerminating(terminating).endConditions().withNodeName(pod.getSpec().getNodeName())
                    .withHostname(hostname(svc, pod))
                    .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef()
                    .build();
            groups.computeIfAbsent(ports, k -> new ArrayList<>()).add(ep);
        }
        List<Content> out = new ArrayList<>();
        Comparator<Endpoint> byIp = Comparator.comparing((Endpoint e) -> e.getAddresses().get(0))
                .thenComparing(e -> e.getTargetRef().getName());
        for (Map.Entry<List<EndpointPort>, List<Endpoint>> g : groups.entrySet()) {
            List<Endpoint> eps = g.getValue();
            eps.sort(byIp);
            for (int i = 0; i < eps.size(); i += MAX_ENDPOINTS) {
                out.add(new Content(g.getKey(), List.copyOf(eps.subList(i, Math.min(eps.size(), i + MAX_ENDPOINTS)))));
            }
        }
        return out;
    }

    /** Pods with spec.hostname in the Service's subdomain publish their hostname (as upstream, for DNS). */
    private static String hostname(Service svc, Pod pod) {
        String h = pod.getSpec().getHostname();
        String sub = pod.getSpec().getSubdomain();
        return h != null && !h.isEmpty() && svc.getMetadata().getName().equals(sub) ? h : null;
    }
}
