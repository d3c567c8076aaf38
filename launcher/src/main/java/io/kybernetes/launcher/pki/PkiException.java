package io.kybernetes.launcher.pki;

/** A refusal with a message meant for the operator (a file in the way, a missing CA key, an unknown name). */
public class PkiException extends Exception {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
