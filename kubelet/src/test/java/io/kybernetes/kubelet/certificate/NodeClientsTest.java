package io.kybernetes.kubelet.certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.kubelet.server.TestPki;

/**
 * The kubeconfigs a kubelet meets: certificate and key in one file (what TLS bootstrap writes) and in two files (a
 * node set up by hand, the tests' fixtures); both give a client for the kubeconfig's server.
 */
class NodeClientsTest {

    @TempDir
    Path dir;

    @Test
    void certificateAndKeyInOneFileOrInTwo() throws Exception {
        TestPki.Issued ca = TestPki.ca("node-clients-ca");
        TestPki.Issued node = TestPki.issue(ca, "CN=system:node:n1,O=system:nodes", null, 1);
        TestPki.write(dir.resolve("ca.crt"), ca.cert());
        TestPki.write(dir.resolve("both.pem"), node.cert(), node.keys().getPrivate());
        TestPki.write(dir.resolve("node.crt"), node.cert());
        TestPki.write(dir.resolve("node.key"), node.keys().getPrivate());
        for (String[] files : new String[][] {{"both.pem", "both.pem"}, {"node.crt", "node.key"}}) {
            Path conf = Files.writeString(dir.resolve(files[0] + ".conf"), """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: c
                      cluster: {server: "https://127.0.0.1:6443", certificate-authority: %s}
                    users:
                    - name: u
                      user: {client-certificate: %s, client-key: %s}
                    contexts:
                    - name: x
                      context: {cluster: c, user: u}
                    current-context: x
                    """.formatted(dir.resolve("ca.crt"), dir.resolve(files[0]), dir.resolve(files[1])));
            try (KubernetesClient client = NodeClients.fromKubeconfig(conf, true)) {
                assertEquals("https://127.0.0.1:6443/", client.getMasterUrl().toString(), files[0]);
            }
        }
    }
}
