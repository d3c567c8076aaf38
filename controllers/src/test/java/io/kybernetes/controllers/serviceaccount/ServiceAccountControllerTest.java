package io.kybernetes.controllers.serviceaccount;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;

class ServiceAccountControllerTest {

    MockApi api;
    ControllerManager.Running controllers;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("serviceaccount"), 1, List.of());
    }

    @AfterEach
    void stop() {
        controllers.stop();
        api.close();
    }

    @Test
    void everyNamespaceGetsADefaultServiceAccountAgainAfterDeletion() {
        api.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata()
                .build()).create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.client.serviceAccounts().inNamespace("team").withName("default").get() != null);
        api.client.serviceAccounts().inNamespace("team").withName("default").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.client.serviceAccounts().inNamespace("team").withName("default").get() != null);
    }
}
