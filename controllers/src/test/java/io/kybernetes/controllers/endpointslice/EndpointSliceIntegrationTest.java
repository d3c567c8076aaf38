package io.kybernetes.controllers.endpointslice;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.FakeKubelet;
import io.kybernetes.controllers.MockApi;

class EndpointSliceIntegrationTest {

    MockApi api;
    ControllerManager.Running controllers;
    FakeKubelet kubelet;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("endpointslice"), 2, List.of());
        kubelet = new FakeKubelet(api.client);
    }

    @AfterEach
    void stop() {
        kubelet.close();
        controllers.stop();
        api.close();
    }

    List<EndpointSlice> slices() {
        return api.client.resources(EndpointSlice.class).inNamespace("default")
                .withLabel("kubernetes.io/service-name", "web").list().getItems();
    }

    @Test
    void slicesFollowPodsInChunksOfOneHundred() {
        api.client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80)
                .withTargetPort(new IntOrString(8080)).endPort().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> slices().size() == 1);
        assertTrue(slices().get(0).getEndpoints() == null || slices().get(0).getEndpoints().isEmpty(),
                "a placeholder slice without endpoints");
        for (int i = 0; i < 105; i++) {
            api.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p" + i)
                    .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                    .withImage("nginx").endContainer().endSpec().build()).create();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<EndpointSlice> s = slices();
            assertEquals(List.of(5, 100), s.stream().map(x -> x.getEndpoints() == null ? 0 : x.getEndpoints().size())
                    .sorted().toList());
            for (EndpointSlice x : s) {
                assertEquals("IPv4", x.getAddressType());
                assertEquals("endpointslice-controller.k8s.io",
                        x.getMetadata().getLabels().get("endpointslice.kubernetes.io/managed-by"));
                assertEquals("Service", x.getMetadata().getOwnerReferences().get(0).getKind());
                assertEquals(8080, x.getPorts().get(0).getPort());
                assertTrue(x.getEndpoints().stream().allMatch(e -> e.getConditions().getReady()));
            }
        });
        for (int i = 0; i < 10; i++) {
            api.client.pods().inNamespace("default").withName("p" + i).withGracePeriod(0).delete();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(List.of(95),
                slices().stream().map(x -> x.getEndpoints().size()).toList()));
        api.client.services().inNamespace("default").withName("web").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> slices().isEmpty());
    }
}
