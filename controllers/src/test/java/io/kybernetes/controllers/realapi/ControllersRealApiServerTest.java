package io.kybernetes.controllers.realapi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.ControllersIntegrationTest;
import io.kybernetes.controllers.FakeKubelet;

/**
 * The controllers against the real kybernetes apiserver on a real etcd (skipped when the apiserver jar has not
 * been built): a Deployment rolls out, scales, gets Endpoints behind a Service, and is garbage-collected.
 */
class ControllersRealApiServerTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running controllers;
    static FakeKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        controllers = ControllerManager.start(client, List.of("*"), 2, List.of("pods", "replicasets"));
        kubelet = new FakeKubelet(client, false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        if (controllers != null) {
            controllers.stop();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void deploymentLifecycle() {
        client.apps().deployments().inNamespace("default").resource(ControllersIntegrationTest.web(2, "nginx"))
                .create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(1, client.apps().replicaSets().inNamespace("default").list().getItems().size());
            assertTrue(ControllersIntegrationTest.rolledOut(
                    client.apps().deployments().inNamespace("default").withName("web").get()));
        });

        client.apps().deployments().inNamespace("default").withName("web").scale(3);
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80)
                .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(ControllersIntegrationTest.rolledOut(
                    client.apps().deployments().inNamespace("default").withName("web").get()));
            Endpoints ep = client.endpoints().inNamespace("default").withName("web").get();
            assertNotNull(ep);
            assertEquals(3, ep.getSubsets().get(0).getAddresses().size());
        });

        client.apps().deployments().inNamespace("default").withName("web").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(0, client.apps().replicaSets().inNamespace("default").list().getItems().size());
            assertEquals(0, client.pods().inNamespace("default").withLabel("app", "web").list().getItems().size());
        });
    }
}
