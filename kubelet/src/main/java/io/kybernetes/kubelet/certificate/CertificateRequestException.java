package io.kybernetes.kubelet.certificate;

/** A certificate the kubelet asked for did not come: refused, unreadable, or not issued in time. */
public class CertificateRequestException extends Exception {

    public CertificateRequestException(String message) {
        super(message);
    }

    public CertificateRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
