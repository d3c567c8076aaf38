package io.kybernetes.scheduler.client;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.launcher.ApiClients;
import io.kybernetes.scheduler.SchedulerConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API client, built from the file named by {@code --kubeconfig} (overrides the extension's default bean). */
public class KubeClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(SchedulerConfig config) {
        return ApiClients.fromKubeconfig(Path.of(config.kubeconfig()), true);
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
