package io.kybernetes.controllers.endpointslice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;

class SlicesTest {

    static Service svc(boolean publishNotReady) {
        return new ServiceBuilder().withNewMetadata().withName("web").withNamespace("ns").endMetadata().withNewSpec()
                .addToSelector("app", "web").withPublishNotReadyAddresses(publishNotReady).addNewPort()
                .withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort().endSpec().build();
    }

    static Pod pod(String name, String ip, boolean ready, boolean terminating, String phase) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(name)
                .addToLabels("app", "web").endMetadata().withNewSpec().withNodeName("n1").addNewContainer()
                .withName("c").addNewPort().withName("http").withContainerPort(8080).endPort().endContainer()
                .endSpec().withNewStatus().withPhase(phase).withPodIP(ip).addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus();
        if (terminating) {
            b.editMetadata().withDeletionTimestamp("2026-11-24T10:00:00Z").endMetadata();
        }
        return b.build();
    }

    @ParameterizedTest(name = "ready={0} terminating={1} publishNotReady={2} -> ready={3} serving={4} terminating={5}")
    @CsvSource({
        "true,false,false,true,true,false",
        "false,false,false,false,false,false",
        "true,true,false,false,true,true",
        "false,true,false,false,false,true",
        "false,false,true,true,true,false",
        "true,true,true,true,true,true",
    })
    void conditions(boolean ready, boolean terminating, boolean publishNotReady, boolean wantReady,
            boolean wantServing, boolean wantTerminating) {
        List<Slices.Content> c = Slices.desired(svc(publishNotReady),
                List.of(pod("p", "10.244.0.5", ready, terminating, "Running")));
        Endpoint e = c.get(0).endpoints().get(0);
        assertEquals(wantReady, e.getConditions().getReady());
        assertEquals(wantServing, e.getConditions().getServing());
        assertEquals(wantTerminating, e.getConditions().getTerminating());
        assertEquals(List.of("10.244.0.5"), e.getAddresses());
        assertEquals("n1", e.getNodeName());
        assertEquals("Pod", e.getTargetRef().getKind());
        assertEquals(8080, c.get(0).ports().get(0).getPort());
        assertEquals("http", c.get(0).ports().get(0).getName());
        assertEquals("TCP", c.get(0).ports().get(0).getProtocol());
    }

    @Test
    void podsWithoutIpv4OrFinishedAreLeftOut() {
        List<Slices.Content> c = Slices.desired(svc(false), List.of(pod("a", null, true, false, "Running"),
                pod("b", "fd00::1", true, false, "Running"), pod("c", "10.0.0.1", false, false, "Succeeded")));
        assertEquals(List.of(), c);
    }

    @Test
    void atMostOneHundredEndpointsPerSliceSortedByAddress() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 250; i > 0; i--) {
            pods.add(pod("p" + i, "10.244." + (i / 200) + "." + (i % 200), true, false, "Running"));
        }
        List<Slices.Content> c = Slices.desired(svc(false), pods);
        assertEquals(List.of(100, 100, 50), c.stream().map(x -> x.endpoints().size()).toList());
        assertEquals("10.244.0.1", c.get(0).endpoints().get(0).getAddresses().get(0));
    }
}
