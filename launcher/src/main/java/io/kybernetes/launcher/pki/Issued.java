package io.kybernetes.launcher.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A certificate and its private key. */
public record Issued(X509Certificate cert, PrivateKey key) {
}
