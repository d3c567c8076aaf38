package io.kybernetes.proxy.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

class ServiceTableSlicesTest {

    static final ServicePortName HTTP = new ServicePortName("default", "web", "http", Protocol.TCP);

    static Service web(String type) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("web").endMetadata()
                .withNewSpec().withType(type).withClusterIP("10.96.0.20")
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("web")).withNodePort(30080).endPort()
                .endSpec().build();
    }

    /** One slice of the Service: its port number for "http", then endpoints as ip/node/ready/serving/terminating. */
    static EndpointSlice slice(String name, int port, Object... eps) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name)
                .withLabels(Map.of(ServiceTable.SERVICE_NAME_LABEL, "web")).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort();
        for (int i = 0; i < eps.length; i += 5) {
            b.addNewEndpoint().withAddresses((String) eps[i]).withNodeName((String) eps[i + 1])
                    .withNewConditions().withReady((Boolean) eps[i + 2]).withServing((Boolean) eps[i + 3])
                    .withTerminating((Boolean) eps[i + 4]).endConditions().endEndpoint();
        }
        return b.build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("named target port resolved per slice; local by node name; conditions kept",
                        List.of(slice("web-a", 8080, "10.244.0.5", "node1", true, true, false),
                                slice("web-b", 9090, "10.244.1.5", "node2", false, true, true,
                                        "10.244.1.6", "node2", null, null, null)),
                        List.of(new Endpoint("10.244.0.5", 8080, true, true, true, false),
                                new Endpoint("10.244.1.5", 9090, false, false, true, true),
                                new Endpoint("10.244.1.6", 9090, false, true, true, false))),
                Arguments.of("an endpoint in two slices counts once, ready wins",
                        List.of(slice("web-a", 8080, "10.244.0.5", "node1", false, false, false),
                                slice("web-b", 8080, "10.244.0.5", "node1", true, true, false)),
                        List.of(new Endpoint("10.244.0.5", 8080, true, true, true, false))),
                Arguments.of("slices of another Service or IPv6 do not count",
                        List.of(new EndpointSliceBuilder(slice("other", 8080, "10.244.0.9", "node1", true, true, false))
                                        .editMetadata().withLabels(Map.of(ServiceTable.SERVICE_NAME_LABEL, "other")).endMetadata().build(),
                                new EndpointSliceBuilder(slice("v6", 8080, "fd00::1", "node1", true, true, false))
                                        .withAddressType("IPv6").build()),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endpointsFromSlices(String name, List<EndpointSlice> slices, List<Endpoint> expected) {
        List<ServicePort> ports = ServiceTable.build(List.of(web("ClusterIP")), ServiceTable.fromSlices(slices, "node1"));
        assertEquals(1, ports.size());
        assertEquals(expected, ports.get(0).endpoints());
    }

    @Test
    void serviceFieldsNodePortExternalIpsLoadBalancerAffinityPolicies() {
        Service svc = new ServiceBuilder(web("LoadBalancer")).editSpec().withExternalIPs("192.0.2.50", "fd00::5")
                .withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(60)
                .endClientIP().endSessionAffinityConfig().withExternalTrafficPolicy("Local").withInternalTrafficPolicy("Local")
                .withHealthCheckNodePort(32000).endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.60").endIngress()
                .addNewIngress().withHostname("lb.example").endIngress().endLoadBalancer().endStatus().build();
        ServicePort sp = ServiceTable.build(List.of(svc), ServiceTable.fromSlices(List.of(), "node1")).get(0);
        assertEquals(new ServicePort(HTTP, "10.96.0.20", 80, 30080, List.of("192.0.2.50"), List.of("192.0.2.60"), 60, true,
                true, 32000, List.of()), sp);
    }

    @Test
    void clusterIpServiceHasNoNodePortAndAffinityDefaultsToThreeHours() {
        Service svc = new ServiceBuilder(web("ClusterIP")).editSpec().withSessionAffinity("ClientIP").endSpec().build();
        ServicePort sp = ServiceTable.build(List.of(svc), ServiceTable.fromSlices(List.of(), "node1")).get(0);
        assertEquals(0, sp.nodePort());
        assertEquals(10800, sp.affinitySeconds());
    }
}
