package io.kybernetes.kubelet.certificate;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.KeyPairs;

/**
 * With {@code --rotate-server-certificates} the HTTPS server starts before the cluster has signed its certificate,
 * and Quarkus needs a key and certificate file to start with: a self-signed placeholder goes into the serving store
 * (clients that verify the cluster CA refuse it, as upstream's kubelet refuses handshakes until the certificate
 * comes) and is replaced by the first issued certificate. A self-signed certificate is never taken for an issued one.
 */
public final class ServingPlaceholder {

    private ServingPlaceholder() {
    }

    /** Writes the placeholder unless the store holds a pair already (a restart keeps the issued certificate). */
    public static void ensure(Path certDir, String nodeName) throws IOException {
        CertificateStore store = new CertificateStore(certDir, "server", Clock.systemUTC());
        if (store.current().isPresent()) {
            return;
        }
        CertificateAuthority self = CertificateAuthority.create("system:node:" + nodeName + " (awaiting a serving "
                + "certificate)", KeyPairs.ecdsa(), Duration.ofDays(1), Clock.systemUTC());
        store.update(List.of(self.cert()), self.key());
    }

    /** Whether {@code cert} was issued by someone else (not a self-signed placeholder). */
    public static boolean issued(X509Certificate cert) {
        return !cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal());
    }
}
