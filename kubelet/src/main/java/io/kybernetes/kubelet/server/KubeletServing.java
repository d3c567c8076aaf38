package io.kybernetes.kubelet.server;

import io.kybernetes.launcher.serving.TlsServingSource;

/**
 * The kubelet's serving flags as Quarkus HTTP settings ({@link TlsServingSource}): {@code --port} serves HTTPS with
 * {@code --tls-cert-file}, {@code --client-ca-file} authenticates client certificates.
 */
public class KubeletServing extends TlsServingSource {

    public KubeletServing() {
        super("kybernetes-kubelet-serving");
    }
}
