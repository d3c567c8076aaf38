package io.kybernetes.proxy.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kybernetes.proxy.ProxyConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API client, from the file {@code --kubeconfig} names (replaces the extension's default client). */
@Singleton
public class KubeClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(ProxyConfig config) throws IOException {
        Path path = Path.of(config.kubeconfig());
        if (!Files.isReadable(path)) {
            throw new IllegalStateException("cannot read --kubeconfig " + path);
        }
        Config c = Config.fromKubeconfig(null, Files.readString(path), path.toString());
        // Watch over plain HTTP streaming, as kubectl does. fabric8 otherwise tries a WebSocket first, and a server
        // that answers the upgrade request with a 200 watch stream leaves that handshake hanging for good.
        // (fabric8's mock API server streams watches only over WebSocket: its tests turn this back on.)
        c.setOnlyHttpWatches(!config.websocketWatches());
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
