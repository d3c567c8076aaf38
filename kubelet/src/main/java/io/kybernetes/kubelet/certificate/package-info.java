/**
 * The kubelet's certificates from the API, as upstream's TLS bootstrap and certificate manager do: a client
 * certificate requested with the bootstrap kubeconfig's token when {@code --kubeconfig} is missing
 * ({@link io.kybernetes.kubelet.certificate.TlsBootstrap}), a serving certificate requested with the node's own
 * identity ({@code --rotate-server-certificates}), both kept in {@code <root-dir>/pki} as dated PEM files behind a
 * {@code -current.pem} symlink ({@link io.kybernetes.kubelet.certificate.CertificateStore}) and renewed after 70-90%
 * of their lifetime ({@link io.kybernetes.kubelet.certificate.CertificateManager}) without a restart: new API
 * connections present the new client certificate ({@link io.kybernetes.kubelet.certificate.FileKeyManager}), the
 * HTTPS server reloads its key and certificate ({@link io.kybernetes.kubelet.certificate.KubeletCertificates}).
 */
package io.kybernetes.kubelet.certificate;
