package io.kybernetes.controllers.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.Pem;

class ClusterSigningTest {

    @Test
    void loadsTheCaAndRefusesWhatDoesNotFit(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("kubernetes", Clock.systemUTC());
        CertificateAuthority other = CertificateAuthority.create("kubernetes", Clock.systemUTC());
        Pem.writeCertificate(dir.resolve("ca.crt"), ca.cert());
        Pem.writePrivateKey(dir.resolve("ca.key"), ca.key());
        Pem.writePrivateKey(dir.resolve("other.key"), other.key());
        String crt = dir.resolve("ca.crt").toString();
        Duration year = Duration.ofHours(8760);

        assertFalse(ClusterSigning.DISABLED.enabled());
        ClusterSigning ok = new ClusterSigning(crt, dir.resolve("ca.key").toString(), year);
        assertTrue(ok.enabled());
        assertEquals(ca.cert(), ok.ca().cert());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ClusterSigning(crt, null, year).ca()).getMessage().contains("go together"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ClusterSigning(crt, dir.resolve("other.key").toString(), year).ca()).getMessage()
                .contains("is not the key of"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ClusterSigning(crt, dir.resolve("missing.key").toString(), year).ca()).getMessage()
                .contains("missing.key"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ClusterSigning(crt, dir.resolve("ca.key").toString(), Duration.ZERO).ca()).getMessage()
                .contains("must be positive"));
    }
}
