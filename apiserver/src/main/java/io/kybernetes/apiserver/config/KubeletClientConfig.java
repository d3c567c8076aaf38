package io.kybernetes.apiserver.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * How the apiserver reaches kubelets (logs, exec/attach/port-forward, the metrics scraper): upstream's
 * {@code --kubelet-client-certificate}, {@code --kubelet-client-key} and {@code --kubelet-certificate-authority}.
 * Kept apart from {@link ApiserverConfig} so the kubelet client's flags form one block.
 */
@ConfigMapping(prefix = "kybernetes")
public interface KubeletClientConfig {

    /** PEM client certificate the apiserver presents to kubelets; with it, kubelets are reached over HTTPS. */
    Optional<String> kubeletClientCertificate();

    Optional<String> kubeletClientKey();

    /** PEM CA bundle that kubelets' serving certificates are verified against; unset: not verified (as upstream). */
    Optional<String> kubeletCertificateAuthority();
}
