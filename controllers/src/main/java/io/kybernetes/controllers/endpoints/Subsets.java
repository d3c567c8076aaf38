package io.kybernetes.controllers.endpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kybernetes.controllers.informers.PodState;

/**
 * The Endpoints subsets of a Service: one address per selected pod with an IP (ready or not ready), grouped so that
 * pods resolving to the same port list share a subset; addresses sorted by IP for a stable, comparable result.
 */
public final class Subsets {

    private Subsets() {
    }

    public static List<EndpointSubset> of(Service svc, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        Map<List<EndpointPort>, List<EndpointAddress>[]> groups = new LinkedHashMap<>();
        for (Pod pod : pods) {
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null || ip.isEmpty() || PodState.terminal(pod)
                    || (pod.getMetadata().getDeletionTimestamp() != null && !publishNotReady)) {
                continue;
            }
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort sp : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
                Integer target = resolve(sp, pod);
                if (target != null) {
                    ports.add(new EndpointPortBuilder().withName(sp.getName()).withPort(target)
                            .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol())
                            .withAppProtocol(sp.getAppProtocol()).build());
                }
            }
            if (ports.isEmpty() && svc.getSpec().getPorts() != null && !svc.getSpec().getPorts().isEmpty()) {
                continue; // no port of this pod resolves
            }
            EndpointAddress addr = new EndpointAddressBuilder().withIp(ip).withNodeName(pod.getSpec().getNodeName())
                    .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef()
                    .build();
            @SuppressWarnings("unchecked")
            List<EndpointAddress>[] g = groups.computeIfAbsent(ports, k -> new List[] {new ArrayList<>(),
                    new ArrayList<>()});
            g[PodState.ready(pod) || publishNotReady ? 0 : 1].add(addr);
        }
        List<EndpointSubset> out = new ArrayList<>();
        Comparator<EndpointAddress> byIp = Comparator.comparing(EndpointAddress::getIp)
                .thenComparing(a -> a.getTargetRef().getName());
        for (Map.Entry<List<EndpointPort>, List<EndpointAddress>[]> e : groups.entrySet()) {
            e.getValue()[0].sort(byIp);
            e.getValue()[1].sort(byIp);
            out.add(new EndpointSubsetBuilder()
                    .withAddresses(e.getValue()[0].isEmpty() ? null : e.getValue()[0])
                    .withNotReadyAddresses(e.getValue()[1].isEmpty() ? null : e.getValue()[1])
                    .withPorts(e.getKey().isEmpty() ? null : e.getKey()).build());
        }
        out.sort(Comparator.comparing(s -> firstIp(s)));
        return out;
    }

    private static String firstIp(EndpointSubset s) {
        if (s.getAddresses() != null && !s.getAddresses().isEmpty()) {
            return s.getAddresses().get(0).getIp();
        }
        return s.getNotReadyAddresses() == null || s.getNotReadyAddresses().isEmpty() ? ""
                : s.getNotReadyAddresses().get(0).getIp();
    }

    /** The container port a service port targets on this pod: a number, a named container port, or the port. */
    public static Integer resolve(ServicePort sp, Pod pod) {
        IntOrString t = sp.getTargetPort();
        if (t == null || (t.getIntVal() == null && (t.getStrVal() == null || t.getStrVal().isEmpty()))) {
            return sp.getPort();
        }
        if (t.getIntVal() != null) {
            return t.getIntVal();
        }
        String name = t.getStrVal();
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException notNumeric) {
            // named port
        }
        String proto = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort cp : c.getPorts()) {
                String cpProto = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
                if (name.equals(cp.getName()) && proto.equals(cpProto)) {
                    return cp.getContainerPort();
                }
            }
        }
        return null;
    }
}
