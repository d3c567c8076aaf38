package io.kybernetes.kubelet.certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.Issued;

class CertificateStoreTest {

    static final CertificateAuthority CA = CertificateAuthority.create("test-ca", Clock.systemUTC());

    /** The private scalar: encodings (SEC1, PKCS#8) differ, the key does not. */
    static java.math.BigInteger s(java.security.PrivateKey k) {
        return ((java.security.interfaces.ECPrivateKey) k).getS();
    }

    @TempDir
    Path dir;

    @Test
    void datedFileBehindTheCurrentSymlink() throws Exception {
        Clock t1 = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
        CertificateStore store = new CertificateStore(dir, "client", t1);
        assertTrue(store.current().isEmpty());
        Issued a = CA.issue(CertSpec.client("system:node:n1", "system:nodes"), Clock.systemUTC());
        Path file = store.update(List.of(a.cert(), CA.cert()), a.key());

        assertEquals("kubelet-client-2025-01-02-03-04-05.pem", file.getFileName().toString());
        assertEquals(dir.resolve("kubelet-client-current.pem"), store.currentPath());
        assertTrue(Files.isSymbolicLink(store.currentPath()));
        assertEquals(file.getFileName(), Files.readSymbolicLink(store.currentPath()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String pem = Files.readString(file);
        assertTrue(pem.indexOf("BEGIN CERTIFICATE") < pem.indexOf("BEGIN EC PRIVATE KEY"), pem);
        assertEquals(2, pem.split("BEGIN CERTIFICATE").length - 1, "leaf and chain");
        assertEquals(a.cert(), store.current().orElseThrow().cert());
        assertEquals(s(a.key()), s(store.current().orElseThrow().key()));

        // a second pair in the same second gets its own file; the link moves, the old file stays
        Issued b = CA.issue(CertSpec.client("system:node:n1", "system:nodes"), Clock.systemUTC());
        Path second = store.update(List.of(b.cert()), b.key());
        assertTrue(Files.exists(file));
        assertEquals(second.getFileName(), Files.readSymbolicLink(store.currentPath()));
        assertEquals(b.cert(), store.current().orElseThrow().cert());
    }

    @Test
    void placeholderIsSelfSignedAndKeptOnRestart() throws Exception {
        ServingPlaceholder.ensure(dir, "n1");
        CertificateStore store = new CertificateStore(dir, "server", Clock.systemUTC());
        var placeholder = store.current().orElseThrow().cert();
        assertTrue(!ServingPlaceholder.issued(placeholder));
        Issued real = CA.issue(CertSpec.server("system:node:n1", List.of("n1", "192.0.2.9")), Clock.systemUTC());
        assertTrue(ServingPlaceholder.issued(real.cert()));
        store.update(List.of(real.cert()), real.key());
        ServingPlaceholder.ensure(dir, "n1");
        assertEquals(real.cert(), store.current().orElseThrow().cert(), "a restart keeps the issued certificate");
    }

    @Test
    void fileKeyManagerFollowsTheSymlink() throws Exception {
        CertificateStore store = new CertificateStore(dir, "client", Clock.systemUTC());
        Issued a = CA.issue(CertSpec.client("system:node:n1", "system:nodes"), Clock.systemUTC());
        store.update(List.of(a.cert()), a.key());
        FileKeyManager keys = new FileKeyManager(store.currentPath());
        String alias = keys.chooseEngineClientAlias(new String[] {"EC"}, null, null);
        assertEquals(a.cert(), keys.getCertificateChain(alias)[0]);
        Issued b = CA.issue(CertSpec.client("system:node:n1", "system:nodes"), Clock.systemUTC());
        store.update(List.of(b.cert()), b.key());
        assertEquals(b.cert(), keys.getCertificateChain(alias)[0], "the next handshake presents the new certificate");
        assertEquals(s(b.key()), s(keys.getPrivateKey(alias)));
    }
}
