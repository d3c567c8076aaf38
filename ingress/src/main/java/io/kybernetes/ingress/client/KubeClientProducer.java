package io.kybernetes.ingress.client;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kybernetes.ingress.IngressConfig;
import io.kybernetes.launcher.ApiClients;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API client from {@code --kubeconfig}, with its server replaced by {@code --master} when given. */
@Singleton
public class KubeClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(IngressConfig config) {
        KubernetesClient client = ApiClients.fromKubeconfig(Path.of(config.kubeconfig()), !config.websocketWatches());
        if (config.master().isEmpty() || config.master().get().isBlank()) {
            return client;
        }
        Config moved = new ConfigBuilder(client.getConfiguration()).withMasterUrl(config.master().get()).build();
        client.close();
        return new KubernetesClientBuilder().withConfig(moved).build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
