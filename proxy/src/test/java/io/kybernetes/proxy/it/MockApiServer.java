package io.kybernetes.proxy.it;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * fabric8's mock API server in CRUD mode on loopback, and a kubeconfig file pointing at it that the proxy reads
 * through {@code --kubeconfig}, exactly as in a cluster. Also sets the test's chain prefix, cluster CIDR and
 * masquerade bit so nothing clashes with a cluster that may be running on this machine.
 */
public class MockApiServer implements QuarkusTestResourceLifecycleManager {

    static final String CHAIN_PREFIX = "KYBT";
    static final String CLUSTER_CIDR = Netns.POD_CIDR;
    static final int MASQUERADE_BIT = 13;

    static volatile KubernetesMockServer server;
    static volatile KubernetesClient client;
    private Path dir;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
            dir = Files.createTempDirectory("proxy-it-api-");
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: http://127.0.0.1:%d
                    contexts:
                    - name: mock
                      context:
                        cluster: mock
                        user: admin
                    current-context: mock
                    users:
                    - name: admin
                      user: {}
                    """.formatted(server.getPort()));
            client = server.createClient();
            return Map.of(
                    "kybernetes.kubeconfig", kubeconfig.toString(),
                    "kybernetes.exec-prefix", "ip netns exec " + Netns.NODE,
                    "kybernetes.hostname-override", Netns.NODE,
                    "kybernetes.cluster-cidr", CLUSTER_CIDR,
                    "kybernetes.chain-prefix", CHAIN_PREFIX,
                    "kybernetes.iptables-masquerade-bit", String.valueOf(MASQUERADE_BIT),
                    "kybernetes.min-sync-period", "200ms",
                    "kybernetes.sync-period", "5s",
                    // the mock streams watches only over WebSocket; a real apiserver gets plain HTTP watches
                    "kybernetes.websocket-watches", "true");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a leftover temp file is harmless
            }
        }
    }
}
