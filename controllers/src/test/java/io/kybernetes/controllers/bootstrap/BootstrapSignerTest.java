package io.kybernetes.controllers.bootstrap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.certificates.ClusterSigning;
import io.kybernetes.controllers.nodeipam.RangeAllocator;

class BootstrapSignerTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final String KUBECONFIG = "apiVersion: v1\nkind: Config\n";
    static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

    /** A token Secret; null values leave the key out. */
    static Secret token(String id, String secret, String type, String expiration, String signing) {
        Map<String, String> data = new LinkedHashMap<>();
        put(data, "token-id", id);
        put(data, "token-secret", secret);
        put(data, "expiration", expiration);
        put(data, "usage-bootstrap-signing", signing);
        put(data, "usage-bootstrap-authentication", "true");
        return new SecretBuilder().withNewMetadata().withName("bootstrap-token-" + id).withNamespace("kube-system")
                .endMetadata().withType(type).withData(data).build();
    }

    static void put(Map<String, String> data, String key, String value) {
        if (value != null) {
            data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "valid signing token           | abcdef | 0123456789abcdef | bootstrap.kubernetes.io/token | 2026-11-25T00:00:00Z | true  | true",
        "no expiration                 | abcdef | 0123456789abcdef | bootstrap.kubernetes.io/token | -                    | true  | true",
        "expired                       | abcdef | 0123456789abcdef | bootstrap.kubernetes.io/token | 2026-11-24T11:00:00Z | true  | false",
        "unreadable expiration         | abcdef | 0123456789abcdef | bootstrap.kubernetes.io/token | soon                 | true  | false",
        "not for signing               | abcdef | 0123456789abcdef | bootstrap.kubernetes.io/token | -                    | false | false",
        "no signing usage              | abcdef | 0123456789abcdef | bootstrap.kubernetes.io/token | -                    | -     | false",
        "opaque secret                 | abcdef | 0123456789abcdef | Opaque                        | -                    | true  | false",
        "malformed secret part         | abcdef | 0123456789ABCDEF | bootstrap.kubernetes.io/token | -                    | true  | false",
    })
    void signsWithValidSigningTokensOnly(String name, String id, String secret, String type, String expiration,
            String signing, boolean signed) {
        Map<String, String> data = Map.of("kubeconfig", KUBECONFIG, "jws-kubeconfig-old000", "stale", "other", "x");
        Map<String, String> want = new TreeMap<>(Map.of("kubeconfig", KUBECONFIG, "other", "x"));
        if (signed) {
            want.put("jws-kubeconfig-" + id, Jws.detached(KUBECONFIG, id, secret));
        }
        assertEquals(want, BootstrapSigner.signed(data, List.of(token(id, secret, type, expiration, signing)), NOW),
                name);
    }

    @Test
    void clusterInfoKubeconfigNamesTheServerAndCa() {
        Config c = Serialization.unmarshal(new BootstrapSigner.ClusterInfo("https://192.0.2.2:6443", CA).kubeconfig(),
                Config.class);
        assertEquals(1, c.getClusters().size());
        assertEquals("https://192.0.2.2:6443", c.getClusters().get(0).getCluster().getServer());
        assertEquals(CA, new String(Base64.getDecoder().decode(c.getClusters().get(0).getCluster()
                .getCertificateAuthorityData()), StandardCharsets.UTF_8));
    }

    /** The controller against fabric8's mock API server. */
    @Nested
    class AgainstAnApi {

        MockApi api;
        ControllerManager.Running controllers;

        @BeforeEach
        void start() {
            api = new MockApi();
            controllers = ControllerManager.start(api.client, List.of("bootstrapsigner"), 1, List.of(),
                    ControllerManager.HpaSettings.DEFAULT, RangeAllocator.Settings.DISABLED,
                    ControllerManager.StorageSettings.DEFAULT, ClusterSigning.DISABLED, null,
                    new BootstrapSigner.ClusterInfo("https://192.0.2.2:6443", CA));
        }

        @AfterEach
        void stop() {
            controllers.stop();
            api.close();
        }

        ConfigMap clusterInfo() {
            return api.client.configMaps().inNamespace("kube-public").withName("cluster-info").get();
        }

        @Test
        void createsClusterInfoAndKeepsItsSignaturesInStepWithTheTokens() {
            await().atMost(Duration.ofSeconds(20)).until(() -> clusterInfo() != null);
            String kubeconfig = clusterInfo().getData().get("kubeconfig");
            assertTrue(kubeconfig.contains("https://192.0.2.2:6443"), kubeconfig);

            String future = Instant.now().plus(Duration.ofHours(1)).toString();
            api.client.secrets().inNamespace("kube-system").resource(token("abcdef", "0123456789abcdef",
                    "bootstrap.kubernetes.io/token", future, "true")).create();
            api.client.secrets().inNamespace("kube-system").resource(token("nosign", "0123456789abcdef",
                    "bootstrap.kubernetes.io/token", future, "false")).create();
            String want = Jws.detached(kubeconfig, "abcdef", "0123456789abcdef");
            await().atMost(Duration.ofSeconds(20)).until(() -> want.equals(clusterInfo().getData()
                    .get("jws-kubeconfig-abcdef")));
            assertEquals(List.of("jws-kubeconfig-abcdef", "kubeconfig"), clusterInfo().getData().keySet().stream()
                    .sorted().toList());

            // a hand-added signature of no token goes; a deleted token's signature goes
            api.client.configMaps().inNamespace("kube-public").resource(new ConfigMapBuilder(clusterInfo())
                    .addToData("jws-kubeconfig-forged", "x").build()).update();
            await().atMost(Duration.ofSeconds(20)).until(() -> !clusterInfo().getData()
                    .containsKey("jws-kubeconfig-forged"));
            api.client.secrets().inNamespace("kube-system").withName("bootstrap-token-abcdef").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> List.of("kubeconfig").equals(List.copyOf(
                    clusterInfo().getData().keySet())));
        }
    }
}
