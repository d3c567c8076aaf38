package io.kybernetes.controllers.bootstrap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.certificates.ClusterSigning;
import io.kybernetes.controllers.nodeipam.RangeAllocator;
import io.kybernetes.controllers.realapi.RealApiServer;

/**
 * bootstrapsigner and tokencleaner against the real kybernetes apiserver on a real etcd: token Secrets written with
 * stringData (as {@code kubeadm token create} and our script do), cluster-info created and signed, an expired token
 * deleted with its signature.
 */
class BootstrapRealApiServerTest {

    static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBreal\n-----END CERTIFICATE-----\n";
    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running running;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        running = ControllerManager.start(client, List.of(BootstrapSigner.NAME, TokenCleaner.NAME), 1, List.of(),
                ControllerManager.HpaSettings.DEFAULT, RangeAllocator.Settings.DISABLED,
                ControllerManager.StorageSettings.DEFAULT, ClusterSigning.DISABLED, null,
                new BootstrapSigner.ClusterInfo("https://192.0.2.2:6443", CA));
    }

    @AfterAll
    static void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static void token(String id, String secret, Instant expiration) {
        client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                .withName("bootstrap-token-" + id).endMetadata().withType("bootstrap.kubernetes.io/token")
                .withStringData(Map.of("token-id", id, "token-secret", secret, "expiration",
                        expiration.truncatedTo(ChronoUnit.SECONDS).toString(), "usage-bootstrap-signing", "true",
                        "usage-bootstrap-authentication", "true"))
                .build()).create();
    }

    static ConfigMap clusterInfo() {
        return client.configMaps().inNamespace("kube-public").withName("cluster-info").get();
    }

    @Test
    void signsClusterInfoAndCleansAnExpiredToken() {
        await().atMost(Duration.ofSeconds(30)).until(() -> clusterInfo() != null);
        String kubeconfig = clusterInfo().getData().get("kubeconfig");
        assertNotNull(kubeconfig);

        token("abcdef", "0123456789abcdef", Instant.now().plus(1, ChronoUnit.HOURS));
        token("short0", "0123456789abcdef", Instant.now().plus(3, ChronoUnit.SECONDS));
        await().atMost(Duration.ofSeconds(30)).until(() -> clusterInfo().getData().size() == 3);
        assertEquals(Jws.detached(kubeconfig, "abcdef", "0123456789abcdef"),
                clusterInfo().getData().get("jws-kubeconfig-abcdef"));
        assertEquals(Jws.detached(kubeconfig, "short0", "0123456789abcdef"),
                clusterInfo().getData().get("jws-kubeconfig-short0"));

        // the short token expires: the cleaner deletes it, the signer drops its signature
        await().atMost(Duration.ofSeconds(30)).until(() -> client.secrets().inNamespace("kube-system")
                .withName("bootstrap-token-short0").get() == null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !clusterInfo().getData()
                .containsKey("jws-kubeconfig-short0"));
        assertEquals(List.of("jws-kubeconfig-abcdef", "kubeconfig"), clusterInfo().getData().keySet().stream()
                .sorted().toList());
        assertNotNull(client.secrets().inNamespace("kube-system").withName("bootstrap-token-abcdef").get());
    }
}
