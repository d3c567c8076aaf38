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
        assertArrayEquals(admin.key().getEncoded(), read.client().key().getEncoded());
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
