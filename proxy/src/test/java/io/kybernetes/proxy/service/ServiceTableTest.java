package io.kybernetes.proxy.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

class ServiceTableTest {

    static Service svc(String name, String clusterIp, String type, String... namePortProto) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).withType(type).endSpec();
        for (int i = 0; i < namePortProto.length; i += 3) {
            b.editSpec().addNewPort().withName(namePortProto[i].isEmpty() ? null : namePortProto[i])
                    .withPort(Integer.parseInt(namePortProto[i + 1]))
                    .withProtocol(namePortProto[i + 2].isEmpty() ? null : namePortProto[i + 2]).endPort().endSpec();
        }
        return b.build();
    }

    /** One subset: ready IPs, not-ready IPs, ports as name/port/protocol triples. */
    static Endpoints eps(String name, List<String> ready, List<String> notReady, String... namePortProto) {
        EndpointsBuilder b = new EndpointsBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata();
        var subset = b.addNewSubset();
        ready.forEach(ip -> subset.addNewAddress().withIp(ip).endAddress());
        notReady.forEach(ip -> subset.addNewNotReadyAddress().withIp(ip).endNotReadyAddress());
        for (int i = 0; i < namePortProto.length; i += 3) {
            subset.addNewPort().withName(namePortProto[i].isEmpty() ? null : namePortProto[i])
                    .withPort(Integer.parseInt(namePortProto[i + 1]))
                    .withProtocol(namePortProto[i + 2].isEmpty() ? null : namePortProto[i + 2]).endPort();
        }
        return subset.endSubset().build();
    }

    static ServicePort port(String svc, String portName, Protocol p, String ip, int port, Endpoint... eps) {
        return new ServicePort(new ServicePortName("default", svc, portName, p), ip, port, List.of(eps));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("unnamed port, not-ready addresses neither ready nor serving, sorted",
                        List.of(svc("web", "10.96.0.20", "ClusterIP", "", "80", "")),
                        List.of(eps("web", List.of("10.244.0.9", "10.244.0.5"), List.of("10.244.0.7"), "", "8080", "TCP")),
                        List.of(port("web", "", Protocol.TCP, "10.96.0.20", 80,
                                new Endpoint("10.244.0.5", 8080), new Endpoint("10.244.0.7", 8080, false, false, false, false),
                                new Endpoint("10.244.0.9", 8080)))),
                Arguments.of("headless, ExternalName, IPv6 and unset cluster IPs skipped",
                        List.of(svc("h", "None", "ClusterIP", "", "80", ""), svc("x", null, "ExternalName", "", "80", ""),
                                svc("v6", "fd00::1", "ClusterIP", "", "80", ""), svc("n", null, "ClusterIP", "", "80", "")),
                        List.of(eps("h", List.of("10.244.0.5"), List.of(), "", "80", "")),
                        List.of()),
                Arguments.of("named ports match by name and protocol; no Endpoints means no endpoints",
                        List.of(svc("dns", "10.96.0.10", "ClusterIP", "dns", "53", "UDP", "dns-tcp", "53", "TCP"),
                                svc("lonely", "10.96.0.30", "NodePort", "http", "80", "TCP")),
                        List.of(eps("dns", List.of("10.244.0.3"), List.of(), "dns", "5353", "UDP", "dns-tcp", "5354", "TCP",
                                "metrics", "9153", "TCP")),
                        List.of(port("dns", "dns", Protocol.UDP, "10.96.0.10", 53, new Endpoint("10.244.0.3", 5353)),
                                port("dns", "dns-tcp", Protocol.TCP, "10.96.0.10", 53, new Endpoint("10.244.0.3", 5354)),
                                port("lonely", "http", Protocol.TCP, "10.96.0.30", 80))),
                Arguments.of("endpoints port with the wrong protocol does not count",
                        List.of(svc("web", "10.96.0.20", "ClusterIP", "", "80", "TCP")),
                        List.of(eps("web", List.of("10.244.0.5"), List.of(), "", "80", "UDP")),
                        List.of(port("web", "", Protocol.TCP, "10.96.0.20", 80))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builds(String name, List<Service> services, List<Endpoints> endpoints, List<ServicePort> expected) {
        assertEquals(expected, ServiceTable.build(services, endpoints));
    }
}
