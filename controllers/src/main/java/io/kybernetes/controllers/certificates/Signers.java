package io.kybernetes.controllers.certificates;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyUsages;

/**
 * The built-in signers this controller manager serves and upstream's checks of what each may sign: a request that
 * fails them gets the condition Failed (reason SignerValidationFailure) instead of a certificate.
 */
public final class Signers {

    public static final String KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";
    public static final String KUBE_APISERVER_CLIENT_KUBELET = "kubernetes.io/kube-apiserver-client-kubelet";
    public static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
    public static final List<String> SIGNED = List.of(KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET,
            KUBELET_SERVING);

    static final String NODE_PREFIX = "system:node:";
    static final String NODES = "system:nodes";

    private static final Set<String> KUBELET_CLIENT = Set.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.KEY_ENCIPHERMENT,
            KeyUsages.CLIENT_AUTH);
    private static final Set<String> KUBELET_CLIENT_NO_RSA = Set.of(KeyUsages.DIGITAL_SIGNATURE,
            KeyUsages.CLIENT_AUTH);
    private static final Set<String> KUBELET_SERVING_USAGES = Set.of(KeyUsages.DIGITAL_SIGNATURE,
            KeyUsages.KEY_ENCIPHERMENT, KeyUsages.SERVER_AUTH);
    private static final Set<String> KUBELET_SERVING_NO_RSA = Set.of(KeyUsages.DIGITAL_SIGNATURE,
            KeyUsages.SERVER_AUTH);
    private static final Set<String> API_CLIENT_ALLOWED = Set.of(KeyUsages.DIGITAL_SIGNATURE,
            KeyUsages.KEY_ENCIPHERMENT, KeyUsages.CLIENT_AUTH);

    private Signers() {
    }

    /** Why {@code signerName} may not sign {@code csr} with {@code usages}, or null when it may. */
    public static String invalid(String signerName, Csr csr, List<String> usages) {
        return switch (signerName) {
            case KUBE_APISERVER_CLIENT_KUBELET -> kubeletClient(csr, usages);
            case KUBELET_SERVING -> kubeletServing(csr, usages);
            case KUBE_APISERVER_CLIENT -> apiserverClient(usages);
            default -> "signer " + signerName + " is not served here";
        };
    }

    /** A node's client certificate: system:node:&lt;name&gt; in system:nodes, no subject alternative names. */
    public static String kubeletClient(Csr csr, List<String> usages) {
        if (!csr.organizations().equals(List.of(NODES))) {
            return "subject organization is not system:nodes";
        }
        if (!csr.dnsNames().isEmpty()) {
            return "DNS subjectAltNames are not allowed";
        }
        if (!csr.emailAddresses().isEmpty()) {
            return "Email subjectAltNames are not allowed";
        }
        if (!csr.ipAddresses().isEmpty()) {
            return "IP subjectAltNames are not allowed";
        }
        if (!csr.uris().isEmpty()) {
            return "URI subjectAltNames are not allowed";
        }
        if (!csr.commonName().startsWith(NODE_PREFIX)) {
            return "subject common name does not begin with system:node:";
        }
        Set<String> u = Set.copyOf(usages);
        if (!u.equals(KUBELET_CLIENT) && !u.equals(KUBELET_CLIENT_NO_RSA)) {
            return "usages did not match " + new TreeSet<>(KUBELET_CLIENT);
        }
        return null;
    }

    /** A kubelet's serving certificate: system:node:&lt;name&gt; in system:nodes with a DNS or IP name. */
    public static String kubeletServing(Csr csr, List<String> usages) {
        if (!csr.organizations().equals(List.of(NODES))) {
            return "subject organization is not system:nodes";
        }
        if (csr.dnsNames().isEmpty() && csr.ipAddresses().isEmpty()) {
            return "DNS or IP subjectAltName is required";
        }
        if (!csr.emailAddresses().isEmpty()) {
            return "Email subjectAltNames are not allowed";
        }
        if (!csr.uris().isEmpty()) {
            return "URI subjectAltNames are not allowed";
        }
        Set<String> u = Set.copyOf(usages);
        if (!u.equals(KUBELET_SERVING_USAGES) && !u.equals(KUBELET_SERVING_NO_RSA)) {
            return "usages did not match " + new TreeSet<>(KUBELET_SERVING_USAGES);
        }
        if (!csr.commonName().startsWith(NODE_PREFIX)) {
            return "subject common name does not begin with system:node:";
        }
        return null;
    }

    /** Any client of the apiserver: only client usages. */
    public static String apiserverClient(List<String> usages) {
        for (String u : usages) {
            if (!API_CLIENT_ALLOWED.contains(u)) {
                return "invalid usage for client certificate: " + u;
            }
        }
        return null;
    }
}
