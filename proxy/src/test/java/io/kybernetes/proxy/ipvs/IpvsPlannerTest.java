package io.kybernetes.proxy.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/** What the IPVS mode would program, checked as ipvsadm/ip commands (this kernel has no ip_vs module). */
class IpvsPlannerTest {

    static final ServicePortName WEB = new ServicePortName("default", "web", "", Protocol.TCP);
    static final ServicePortName DNS = new ServicePortName("kube-system", "dns", "", Protocol.UDP);
    static final ServicePortName SIG = new ServicePortName("default", "sig", "", Protocol.SCTP);
    static final Endpoint A = new Endpoint("10.244.0.5", 8080);
    static final Endpoint B = new Endpoint("10.244.0.6", 8080);
    static final Endpoint LOCAL = new Endpoint("10.244.0.8", 8080).asLocal();
    static final List<String> NODE_IPS = List.of("192.0.2.2");
    static final IpvsState EMPTY = new IpvsState(new TreeMap<>(), new HashMap<>(), new TreeSet<>());

    static ServicePort web(int nodePort, List<String> externalIps, int affinity, boolean etpLocal, Endpoint... eps) {
        return new ServicePort(WEB, "10.96.0.20", 80, nodePort, externalIps, List.of(), affinity, etpLocal, false, 0,
                List.of(eps));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("cluster IP, round robin over the endpoints", List.of(), List.of(web(0, List.of(), 0, false, A, B)),
                        List.of("ip addr add 10.96.0.20/32 dev kube-ipvs0"), """
                        -A -t 10.96.0.20:80 -s rr
                        -a -t 10.96.0.20:80 -r 10.244.0.5:8080 -m -w 1
                        -a -t 10.96.0.20:80 -r 10.244.0.6:8080 -m -w 1
                        """),
                Arguments.of("UDP and SCTP", List.of(), List.of(
                                new ServicePort(DNS, "10.96.0.10", 53, List.of(A)), new ServicePort(SIG, "10.96.0.30", 9, List.of(B))),
                        List.of("ip addr add 10.96.0.10/32 dev kube-ipvs0", "ip addr add 10.96.0.30/32 dev kube-ipvs0"), """
                        -A --sctp-service 10.96.0.30:9 -s rr
                        -A -u 10.96.0.10:53 -s rr
                        -a --sctp-service 10.96.0.30:9 -r 10.244.0.6:8080 -m -w 1
                        -a -u 10.96.0.10:53 -r 10.244.0.5:8080 -m -w 1
                        """),
                Arguments.of("ClientIP affinity is persistence", List.of(), List.of(web(0, List.of(), 600, false, A)),
                        List.of("ip addr add 10.96.0.20/32 dev kube-ipvs0"), """
                        -A -t 10.96.0.20:80 -s rr -p 600
                        -a -t 10.96.0.20:80 -r 10.244.0.5:8080 -m -w 1
                        """),
                Arguments.of("node port on each node IP and external IP, Local policy: local endpoints only there",
                        List.of(), List.of(web(30080, List.of("198.51.100.9"), 0, true, A, LOCAL)),
                        List.of("ip addr add 10.96.0.20/32 dev kube-ipvs0", "ip addr add 198.51.100.9/32 dev kube-ipvs0"), """
                        -A -t 10.96.0.20:80 -s rr
                        -A -t 192.0.2.2:30080 -s rr
                        -A -t 198.51.100.9:80 -s rr
                        -a -t 10.96.0.20:80 -r 10.244.0.5:8080 -m -w 1
                        -a -t 10.96.0.20:80 -r 10.244.0.8:8080 -m -w 1
                        -a -t 192.0.2.2:30080 -r 10.244.0.8:8080 -m -w 1
                        -a -t 198.51.100.9:80 -r 10.244.0.8:8080 -m -w 1
                        """),
                Arguments.of("one endpoint replaced: only real server changes",
                        List.of(web(0, List.of(), 0, false, A)), List.of(web(0, List.of(), 0, false, B)), List.of(), """
                        -a -t 10.96.0.20:80 -r 10.244.0.6:8080 -m -w 1
                        -d -t 10.96.0.20:80 -r 10.244.0.5:8080
                        """),
                Arguments.of("affinity turned on: the service is edited in place",
                        List.of(web(0, List.of(), 0, false, A)), List.of(web(0, List.of(), 60, false, A)), List.of(), """
                        -E -t 10.96.0.20:80 -s rr -p 60
                        """),
                Arguments.of("service deleted: virtual service deleted, address unbound",
                        List.of(web(0, List.of(), 0, false, A)), List.of(), List.of("ip addr del 10.96.0.20/32 dev kube-ipvs0"), """
                        -D -t 10.96.0.20:80
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void programs(String name, List<ServicePort> before, List<ServicePort> after, List<String> addressCommands,
            String restore) {
        IpvsState current = before.isEmpty() ? EMPTY : IpvsPlanner.desired(before, NODE_IPS);
        List<IpvsOp> ops = IpvsPlanner.diff(current, IpvsPlanner.desired(after, NODE_IPS));
        assertEquals(addressCommands, IpvsCommands.addressCommands(ops).stream().map(c -> String.join(" ", c)).toList());
        assertEquals(restore, IpvsCommands.restoreInput(ops));
    }

    @Test
    void noChangeNoOperations() {
        IpvsState s = IpvsPlanner.desired(List.of(web(30080, List.of(), 0, false, A, B)), NODE_IPS);
        assertEquals(List.of(), IpvsPlanner.diff(s, IpvsPlanner.desired(List.of(web(30080, List.of(), 0, false, B, A)), NODE_IPS)));
    }
}
