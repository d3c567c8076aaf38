package io.kybernetes.controllers.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kybernetes.controllers.ControllersConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API client, built from the file named by {@code --kubeconfig} (overrides the extension's default bean). */
public class KubeClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(ControllersConfig config) {
        Path path = Path.of(config.kubeconfig());
        try {
            Config c = Config.fromKubeconfig(Files.readString(path));
            // Plain HTTP streaming watches, as client-go uses, rather than fabric8's default WebSocket upgrade.
            c.setOnlyHttpWatches(true);
            return new KubernetesClientBuilder().withConfig(c).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + path, e);
        }
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
