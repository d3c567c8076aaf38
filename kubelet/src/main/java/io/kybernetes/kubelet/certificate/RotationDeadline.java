package io.kybernetes.kubelet.certificate;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When a certificate is renewed: at a random point between 70% and 90% of its lifetime, as upstream's certificate
 * manager picks it, so that nodes started together do not all renew at once and a renewal has time to fail and be
 * retried before the certificate expires.
 */
public final class RotationDeadline {

    static final double FROM = 0.7;
    static final double SPREAD = 0.2;

    private RotationDeadline() {
    }

    /** The deadline of a certificate valid from {@code notBefore} to {@code notAfter}; {@code random} in [0, 1). */
    public static Instant of(Instant notBefore, Instant notAfter, DoubleSupplier random) {
        long lifetime = Duration.between(notBefore, notAfter).toMillis();
        long offset = (long) (lifetime * (FROM + SPREAD * random.getAsDouble()));
        return notBefore.plusMillis(offset);
    }

    public static Instant of(X509Certificate cert, DoubleSupplier random) {
        return of(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), random);
    }
}
