package io.kybernetes.proxy.client;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.launcher.ApiClients;
import io.kybernetes.proxy.ProxyConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API client, from the file {@code --kubeconfig} names (replaces the extension's default client). */
@Singleton
public class KubeClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(ProxyConfig config) {
        // fabric8's mock API server streams watches only over WebSocket: its tests turn websocket watches on.
        return ApiClients.fromKubeconfig(Path.of(config.kubeconfig()), !config.websocketWatches());
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
