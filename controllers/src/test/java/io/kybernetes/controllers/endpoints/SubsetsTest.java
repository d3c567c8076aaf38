package io.kybernetes.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

class SubsetsTest {

    static Pod pod(String name, String ip, boolean ready, String portName, int port) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name)
                .addToLabels("app", "web").endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("c").addNewPort().withName(portName)
                .withContainerPort(port).endPort().endContainer().endSpec();
        if (ip != null) {
            b.withNewStatus().withPhase("Running").withPodIP(ip).addNewCondition().withType("Ready")
                    .withStatus(ready ? "True" : "False").endCondition().endStatus();
        }
        return b.build();
    }

    static Service svc(IntOrString target) {
        return new ServiceBuilder().withNewMetadata().withName("web").withNamespace("ns").endMetadata()
                .withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80)
                .withTargetPort(target).endPort().endSpec().build();
    }

    /** Subsets rendered as "ready ips | not ready ips | ports", one string per subset. */
    static List<String> render(List<EndpointSubset> subsets) {
        List<String> out = new ArrayList<>();
        for (EndpointSubset s : subsets) {
            out.add(ips(s.getAddresses()) + " | " + ips(s.getNotReadyAddresses()) + " | "
                    + String.join(",", s.getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList()));
        }
        return out;
    }

    static String ips(List<EndpointAddress> a) {
        return a == null ? "" : String.join(",", a.stream().map(EndpointAddress::getIp).toList());
    }

    static Stream<Arguments> cases() {
        Pod a = pod("a", "10.0.0.3", true, "http", 8080);
        Pod b = pod("b", "10.0.0.1", true, "http", 8080);
        Pod c = pod("c", "10.0.0.2", false, "http", 8080);
        Pod noIp = pod("d", null, false, "http", 8080);
        Pod other = pod("e", "10.0.0.9", true, "http", 9090);
        Pod unnamed = pod("f", "10.0.0.7", true, "web", 8080);
        Pod deleting = new PodBuilder(pod("g", "10.0.0.8", true, "http", 8080)).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
        return Stream.of(
                Arguments.of("ready pods sorted by ip", svc(new IntOrString(8080)), List.of(a, b),
                        List.of("10.0.0.1,10.0.0.3 |  | http:8080")),
                Arguments.of("not ready pods listed apart", svc(new IntOrString(8080)), List.of(a, c),
                        List.of("10.0.0.3 | 10.0.0.2 | http:8080")),
                Arguments.of("pods without an ip are left out", svc(new IntOrString(8080)), List.of(a, noIp),
                        List.of("10.0.0.3 |  | http:8080")),
                Arguments.of("named target port resolves per pod", svc(new IntOrString("http")), List.of(a, other),
                        List.of("10.0.0.3 |  | http:8080", "10.0.0.9 |  | http:9090")),
                Arguments.of("pod without the named port is left out", svc(new IntOrString("http")),
                        List.of(a, unnamed), List.of("10.0.0.3 |  | http:8080")),
                Arguments.of("no target port means the service port", svc(null), List.of(a),
                        List.of("10.0.0.3 |  | http:80")),
                Arguments.of("terminating pods are left out", svc(new IntOrString(8080)), List.of(a, deleting),
                        List.of("10.0.0.3 |  | http:8080")),
                Arguments.of("no pods, no subsets", svc(new IntOrString(8080)), List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void subsets(String name, Service svc, List<Pod> pods, List<String> want) {
        assertEquals(want, render(Subsets.of(svc, pods)));
    }
}
