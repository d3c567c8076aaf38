package io.kybernetes.dns.client;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.dns.DnsConfig;
import io.kybernetes.launcher.ApiClients;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API client from {@code --kubeconfig}, with its server replaced by {@code --master} when given. */
@Singleton
public class KubeClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(DnsConfig config) {
        return ApiClients.fromKubeconfig(Path.of(config.kubeconfig()), !config.websocketWatches(), config.master());
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
