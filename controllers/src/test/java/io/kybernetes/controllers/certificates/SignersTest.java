package io.kybernetes.controllers.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyPairs;
import io.kybernetes.launcher.pki.KeyUsages;

/** Upstream's checks of each signer, one CSR per row: signer | CN | O | SANs | usages | refusal ('' = signed). */
class SignersTest {

    static final KeyPair KEYS = KeyPairs.ecdsa();

    static List<String> list(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).toList();
    }

    @ParameterizedTest(name = "{0} CN={1} O={2} SANs={3} usages={4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // kubelet client: exactly system:nodes, no SANs, system:node: prefix, client usages with or without RSA's
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes|-|digital signature,client auth|",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes|-|key encipherment,digital signature,client auth|",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:masters|-|digital signature,client auth|subject organization is not system:nodes",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes,x|-|digital signature,client auth|subject organization is not system:nodes",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|-|-|digital signature,client auth|subject organization is not system:nodes",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes|n1|digital signature,client auth|DNS subjectAltNames are not allowed",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes|192.0.2.2|digital signature,client auth|IP subjectAltNames are not allowed",
        "kubernetes.io/kube-apiserver-client-kubelet|n1|system:nodes|-|digital signature,client auth|subject common name does not begin with system:node:",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes|-|client auth|usages did not match [client auth, digital signature, key encipherment]",
        "kubernetes.io/kube-apiserver-client-kubelet|system:node:n1|system:nodes|-|digital signature,client auth,server auth|usages did not match [client auth, digital signature, key encipherment]",
        // kubelet serving: system:nodes, a DNS or IP name, server usages
        "kubernetes.io/kubelet-serving|system:node:n1|system:nodes|n1,192.0.2.2|digital signature,server auth|",
        "kubernetes.io/kubelet-serving|system:node:n1|system:nodes|192.0.2.2|key encipherment,digital signature,server auth|",
        "kubernetes.io/kubelet-serving|system:node:n1|system:nodes|-|digital signature,server auth|DNS or IP subjectAltName is required",
        "kubernetes.io/kubelet-serving|system:node:n1|dev|n1|digital signature,server auth|subject organization is not system:nodes",
        "kubernetes.io/kubelet-serving|system:node:n1|system:nodes|n1|digital signature,client auth|usages did not match [digital signature, key encipherment, server auth]",
        "kubernetes.io/kubelet-serving|node-n1|system:nodes|n1|digital signature,server auth|subject common name does not begin with system:node:",
        // any apiserver client: client usages only, any subject
        "kubernetes.io/kube-apiserver-client|jane|dev,qa|-|digital signature,key encipherment,client auth|",
        "kubernetes.io/kube-apiserver-client|jane|-|jane.example.test|client auth|",
        "kubernetes.io/kube-apiserver-client|jane|-|-|client auth,server auth|invalid usage for client certificate: server auth",
        "kubernetes.io/kube-apiserver-client|jane|-|-|cert sign|invalid usage for client certificate: cert sign",
        "example.com/other|jane|-|-|client auth|signer example.com/other is not served here"})
    void checks(String signer, String cn, String orgs, String sans, String usages, String refusal) throws Exception {
        Csr csr = Csr.parse(Csr.create(CertSpec.withSans(cn, list(orgs), list(sans), KeyUsages.CLIENT), KEYS));
        assertEquals(refusal, Signers.invalid(signer, csr, list(usages)));
    }
}
