package io.kybernetes.proxy.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

class ConntrackCleanupTest {

    static final ServicePortName DNS = new ServicePortName("kube-system", "dns", "dns", Protocol.UDP);
    static final ServicePortName WEB = new ServicePortName("default", "web", "", Protocol.TCP);
    static final Endpoint A = new Endpoint("10.244.0.5", 53);
    static final Endpoint B = new Endpoint("10.244.0.6", 53);

    static ServicePort dns(int nodePort, Endpoint... eps) {
        return new ServicePort(DNS, "10.96.0.10", 53, nodePort, List.of(), List.of(), 0, false, false, 0, List.of(eps));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing changed", List.of(dns(0, A, B)), List.of(dns(0, A, B)), List.of()),
                Arguments.of("UDP endpoint removed: its flows to the cluster IP and node port",
                        List.of(dns(30053, A, B)), List.of(dns(30053, A)), List.of(
                                List.of("-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--dst-nat", "10.244.0.6"),
                                List.of("-D", "-p", "udp", "--orig-port-dst", "30053", "--dst-nat", "10.244.0.6"))),
                Arguments.of("first endpoints of a UDP service: the black-holed flows",
                        List.of(dns(0)), List.of(dns(0, A)), List.of(List.of("-D", "-p", "udp", "--orig-dst", "10.96.0.10"))),
                Arguments.of("UDP service deleted", List.of(dns(0, A)), List.of(),
                        List.of(List.of("-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--dst-nat", "10.244.0.5"))),
                Arguments.of("a new UDP service needs nothing", List.of(), List.of(dns(0, A)), List.of()),
                Arguments.of("TCP is left alone (connections end by themselves)",
                        List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A))),
                        List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of())), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(String name, List<ServicePort> before, List<ServicePort> after, List<List<String>> expected) {
        assertEquals(expected, ConntrackCleanup.plan(before, after));
    }
}
