package io.kybernetes.kubelet.certificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import javax.net.ssl.KeyManager;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.kybernetes.launcher.ApiClients;

/**
 * The kubelet's API clients. A kubeconfig whose user names a client certificate FILE (what TLS bootstrap writes:
 * {@code client-certificate: <root-dir>/pki/kubelet-client-current.pem}) gets a {@link FileKeyManager}, so a
 * rotated certificate serves new connections at once; any other kubeconfig (data inline, or certificate and key
 * in separate files) is read by the launcher's {@link ApiClients} as before.
 */
public final class NodeClients {

    private NodeClients() {
    }

    public static KubernetesClient fromKubeconfig(Path path, boolean httpWatches) {
        Config config;
        try {
            if (!Files.isReadable(path)) {
                return ApiClients.fromKubeconfig(path, httpWatches);
            }
            config = Config.fromKubeconfig(null, Files.readString(path), path.toString());
        } catch (IOException e) {
            return ApiClients.fromKubeconfig(path, httpWatches);
        }
        String certFile = config.getClientCertFile();
        if (certFile == null || certFile.isBlank() || config.getClientCertData() != null) {
            return ApiClients.fromKubeconfig(path, httpWatches);
        }
        Path file = path.toAbsolutePath().getParent().resolve(certFile);
        String keyFile = config.getClientKeyFile();
        if (keyFile != null && !keyFile.isBlank() && config.getClientKeyData() == null
                && !path.toAbsolutePath().getParent().resolve(keyFile).normalize().equals(file.normalize())) {
            // certificate and key in two files (kubeadm's kubelet.conf of a node set up by hand): fabric8 reads them
            return ApiClients.fromKubeconfig(path, httpWatches);
        }
        FileKeyManager keys;
        try {
            keys = new FileKeyManager(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the client certificate " + file + " of --kubeconfig " + path
                    + ": " + e.getMessage(), e);
        }
        config.setOnlyHttpWatches(httpWatches);
        HttpClient.Factory factory = HttpClientUtils.getHttpClientFactory();
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new HttpClient.Factory() {
            @Override
            public HttpClient.Builder newBuilder() {
                return factory.newBuilder();
            }

            @Override
            public HttpClient.Builder newBuilder(Config c) {
                // fabric8's own reader cannot take the certificate and key in one file (the JDK's certificate
                // parser stops at the key): the common settings without them, then the key manager
                Config common = new ConfigBuilder(c).withClientCertFile(null).withClientKeyFile(null).build();
                HttpClient.Builder b = factory.newBuilder(common);
                try {
                    b.sslContext(new KeyManager[] {keys}, SSLUtils.trustManagers(c));
                } catch (Exception e) {
                    throw new IllegalStateException("the cluster CA of --kubeconfig " + path + " is unusable: "
                            + e.getMessage(), e);
                }
                return b;
            }

            @Override
            public int priority() {
                return factory.priority();
            }
        }).build();
    }
}
