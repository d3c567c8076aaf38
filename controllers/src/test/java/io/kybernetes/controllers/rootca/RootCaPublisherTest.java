package io.kybernetes.controllers.rootca;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;

class RootCaPublisherTest {

    static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

    MockApi api;
    ControllerManager.Running controllers;

    @BeforeEach
    void start() {
        api = new MockApi();
        controllers = ControllerManager.start(api.client, List.of("root-ca-cert-publisher"), 1, List.of(),
                ControllerManager.HpaSettings.DEFAULT, io.kybernetes.controllers.nodeipam.RangeAllocator.Settings.DISABLED,
                ControllerManager.StorageSettings.DEFAULT, io.kybernetes.controllers.certificates.ClusterSigning.DISABLED, CA);
    }

    @AfterEach
    void stop() {
        controllers.stop();
        api.close();
    }

    ConfigMap published(String ns) {
        return api.client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
    }

    @Test
    void everyNamespaceGetsTheRootCaBackAfterDeletionOrChange() {
        api.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata()
                .build()).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> published("team") != null);
        assertEquals(Map.of("ca.crt", CA), published("team").getData());
        assertEquals(RootCaPublisher.DESCRIPTION_TEXT,
                published("team").getMetadata().getAnnotations().get("kubernetes.io/description"));

        api.client.configMaps().inNamespace("team").resource(new ConfigMapBuilder(published("team"))
                .withData(Map.of("ca.crt", "tampered")).build()).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> Map.of("ca.crt", CA).equals(published("team").getData()));

        api.client.configMaps().inNamespace("team").withName("kube-root-ca.crt").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> published("team") != null
                && Map.of("ca.crt", CA).equals(published("team").getData()));
    }
}
