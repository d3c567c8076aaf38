/**
 * The cluster's PKI, shared by the {@code certs} command ({@link io.kybernetes.launcher.pki.CertsMain}), the
 * apiserver and the controllers' CSR signer: certificate authorities and the certificates they sign
 * ({@link io.kybernetes.launcher.pki.CertificateAuthority}, {@link io.kybernetes.launcher.pki.CertSpec}, ECDSA
 * P-256 keys, RSA 2048 for the ServiceAccount key), PEM files ({@link io.kybernetes.launcher.pki.Pem}: keys 0600,
 * in kubeadm's encodings), PKCS#10 requests ({@link io.kybernetes.launcher.pki.Csr}), kubeconfigs with embedded
 * credentials ({@link io.kybernetes.launcher.pki.Kubeconfig}) and kubeadm's file layout with generate, renew and
 * check-expiration ({@link io.kybernetes.launcher.pki.ClusterPki}). BouncyCastle (bcpkix-jdk18on) is an optional
 * dependency of the launcher: a component using this package declares it.
 */
package io.kybernetes.launcher.pki;
