/**
 * The bootstrap token controllers of a cluster nodes join with {@code kubeadm join}-style tokens:
 * {@link io.kybernetes.controllers.bootstrap.BootstrapSigner} ("bootstrapsigner") signs ConfigMap
 * kube-public/cluster-info with every signing token ({@link io.kybernetes.controllers.bootstrap.Jws}) and
 * {@link io.kybernetes.controllers.bootstrap.TokenCleaner} ("tokencleaner") deletes expired token Secrets.
 */
package io.kybernetes.controllers.bootstrap;
