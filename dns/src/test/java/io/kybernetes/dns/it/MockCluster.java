package io.kybernetes.dns.it;

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
 * fabric8's mock API server in CRUD mode on loopback, pre-filled with {@link ClusterObjects}; a kubeconfig file
 * pointing at it (read through {@code --kubeconfig} as in a cluster); a fake upstream resolver; and the DNS server
 * listening on a random loopback port.
 */
public class MockCluster implements QuarkusTestResourceLifecycleManager {

    static volatile KubernetesMockServer server;
    static volatile KubernetesClient client;
    static volatile FakeUpstream upstream;
    private Path dir;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
            dir = Files.createTempDirectory("dns-it-");
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
            ClusterObjects.create(client);
            upstream = new FakeUpstream();
            return Map.of(
                    "kybernetes.kubeconfig", kubeconfig.toString(),
                    "kybernetes.listen", "127.0.0.1:0",
                    "kybernetes.upstream", "127.0.0.1:" + upstream.port(),
                    "kybernetes.upstream-timeout-millis", "1000",
                    // the CRUD mock serves no API discovery: say that EndpointSlices are served
                    "kybernetes.endpoint-slices", "true",
                    // the mock streams watches only over WebSocket; a real apiserver gets plain HTTP watches
                    "kybernetes.websocket-watches", "true");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        try {
            if (upstream != null) {
                upstream.close();
            }
        } catch (IOException e) {
            // closing a socket
        }
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
