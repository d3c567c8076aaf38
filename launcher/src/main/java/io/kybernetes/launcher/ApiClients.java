package io.kybernetes.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** The fabric8 API client every component except the apiserver builds from its {@code --kubeconfig} file. */
public final class ApiClients {

    private ApiClients() {
    }

    /**
     * A client for the cluster the kubeconfig file names. With {@code httpWatches}, watches are plain HTTP streams
     * as client-go's are, rather than fabric8's default WebSocket upgrade (which fabric8's mock server needs).
     */
    public static KubernetesClient fromKubeconfig(Path path, boolean httpWatches) {
        return fromKubeconfig(path, httpWatches, Optional.empty());
    }

    /**
     * As above, with the kubeconfig's server replaced by {@code master} when it is given and not blank. Inside a pod
     * without that file, the pod's own credentials are used (the kubernetes Service, the mounted ServiceAccount token
     * and CA), as client-go's in-cluster configuration.
     */
    public static KubernetesClient fromKubeconfig(Path path, boolean httpWatches, Optional<String> master) {
        if (!Files.isReadable(path)) {
            if (inCluster()) {
                Config config = Config.autoConfigure(null);
                config.setOnlyHttpWatches(httpWatches);
                master.filter(m -> !m.isBlank()).ifPresent(config::setMasterUrl);
                return new KubernetesClientBuilder().withConfig(config).build();
            }
            throw new IllegalStateException("cannot read --kubeconfig " + path);
        }
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(path), path.toString());
            config.setOnlyHttpWatches(httpWatches);
            master.filter(m -> !m.isBlank()).ifPresent(config::setMasterUrl);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --kubeconfig " + path, e);
        }
    }

    /** A pod's view: the kubernetes Service's variables and a mounted ServiceAccount token. */
    static boolean inCluster() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null
                && Files.isReadable(Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH));
    }
}
