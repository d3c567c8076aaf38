package io.kybernetes.apiserver.config;

import io.kybernetes.launcher.serving.TlsServingSource;

/**
 * The apiserver's serving flags as Quarkus HTTP settings ({@link TlsServingSource}): the secure port
 * ({@code --secure-port}, 6443) serves HTTPS with {@code --tls-cert-file}, {@code --client-ca-file} verifies client
 * certificates.
 */
public class TlsServing extends TlsServingSource {

    public TlsServing() {
        super("kybernetes-tls-serving");
    }
}
