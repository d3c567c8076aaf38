package io.kybernetes.controllers.certificates;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

import io.kybernetes.launcher.pki.CertificateAuthority;

/**
 * The CSR controllers' settings (upstream --cluster-signing-cert-file, --cluster-signing-key-file,
 * --cluster-signing-duration): without both files the signer and the approver do not run.
 */
public record ClusterSigning(String certFile, String keyFile, Duration duration) {

    public static final ClusterSigning DISABLED = new ClusterSigning(null, null, Duration.ofDays(365));

    public boolean enabled() {
        return certFile != null && !certFile.isBlank() && keyFile != null && !keyFile.isBlank();
    }

    /** The CA from the files; fails with a message naming them when they cannot be read or do not match. */
    public CertificateAuthority ca() {
        if ((certFile == null || certFile.isBlank()) != (keyFile == null || keyFile.isBlank())) {
            throw new IllegalArgumentException("--cluster-signing-cert-file and --cluster-signing-key-file go "
                    + "together");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--cluster-signing-duration must be positive");
        }
        try {
            return CertificateAuthority.load(Path.of(certFile), Path.of(keyFile));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the cluster signing CA: " + e.getMessage(), e);
        }
    }
}
