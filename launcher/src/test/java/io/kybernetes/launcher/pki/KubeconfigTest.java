package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {

    @Test
    void writesAndReadsEmbeddedData(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("kubernetes", Clock.systemUTC());
        Issued admin = ca.issue(CertSpec.client("kubernetes-admin", "kubeadm:cluster-admins"), Clock.systemUTC());
        Path file = dir.resolve("admin.conf");
        Kubeconfig.of("https://127.0.0.1:6443", "kubernetes-admin", ca.cert(), admin).write(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String yaml = Files.readString(file);
        assertEquals(true, yaml.contains("current-context: kubernetes-admin@kubernetes\n"), yaml);
        Kubeconfig read = Kubeconfig.read(file);
        assertEquals("https://127.0.0.1:6443", read.server());
        assertArrayEquals(ca.cert().getEncoded(), read.ca().getEncoded());
        assertArrayEquals(admin.cert().getEncoded(), read.client().cert().getEncoded());
        assertEquals(true, Certificates.matches(read.client().key(), admin.cert().getPublicKey()));
    }

    /** fabric8 builds its TLS key store from the embedded EC key (it reads SEC1 keys only, with their point). */
    @Test
    void fabric8BuildsAClientFromIt(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("kubernetes", Clock.systemUTC());
        Issued cm = ca.issue(CertSpec.client("system:kube-controller-manager"), Clock.systemUTC());
        Path file = dir.resolve("controller-manager.conf");
        Kubeconfig.of("https://127.0.0.1:6443", "system:kube-controller-manager", ca.cert(), cm).write(file);
        assertEquals(true, Pem.encode(cm.key()).startsWith("-----BEGIN EC PRIVATE KEY-----\n"));
        try (var client = io.kybernetes.launcher.ApiClients.fromKubeconfig(file, true)) {
            assertEquals("https://127.0.0.1:6443/", client.getConfiguration().getMasterUrl());
            var keyStore = io.fabric8.kubernetes.client.internal.CertUtils.createKeyStore(
                    client.getConfiguration().getClientCertData(), null, client.getConfiguration().getClientKeyData(),
                    null, client.getConfiguration().getClientKeyAlgo(), "changeit", null, null);
            assertEquals(1, keyStore.size());
        }
    }

    @Test
    void aPlainKubeconfigHasNoClient(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.conf"), """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    server: http://127.0.0.1:6443
                  name: kybernetes
                """);
        Kubeconfig k = Kubeconfig.read(file);
        assertEquals("http://127.0.0.1:6443", k.server());
        assertNull(k.ca());
        assertNull(k.client());
    }
}
