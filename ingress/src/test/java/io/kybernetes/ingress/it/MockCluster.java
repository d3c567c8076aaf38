package io.kybernetes.ingress.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.kybernetes.ingress.nginx.NginxBinary;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * fabric8's mock API server in CRUD mode on loopback, a kubeconfig file pointing at it, and the controller's nginx
 * on free loopback ports with its files under /tmp/ingress-it-*. Without an nginx binary the controller stays off
 * and the tests using this resource are skipped.
 */
public class MockCluster implements QuarkusTestResourceLifecycleManager {

    static volatile KubernetesMockServer server;
    static volatile KubernetesClient client;
    static volatile int httpPort;
    static volatile boolean nginxFound;
    private Path dir;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
            dir = Files.createTempDirectory("ingress-it-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
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
            Path nginx = NginxBinary.find();
            nginxFound = nginx != null;
            httpPort = freePort();
            Map<String, String> props = new HashMap<>(Map.of(
                    "kybernetes.kubeconfig", kubeconfig.toString(),
                    "kybernetes.enabled", String.valueOf(nginxFound),
                    "kybernetes.config-dir", dir.resolve("nginx").toString(),
                    "kybernetes.http-port", String.valueOf(httpPort),
                    "kybernetes.https-port", String.valueOf(freePort()),
                    "kybernetes.publish-status-address", "192.0.2.99",
                    "kybernetes.debounce", "50ms",
                    // the mock streams watches only over WebSocket; a real apiserver gets plain HTTP watches
                    "kybernetes.websocket-watches", "true"));
            if (nginxFound) {
                props.put("kybernetes.nginx-binary", nginx.toString());
            }
            return props;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
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
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a scratch directory
            }
        }
    }
}
