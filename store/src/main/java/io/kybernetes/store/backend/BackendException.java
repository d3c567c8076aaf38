package io.kybernetes.store.backend;

/** A fault of the storage engine (I/O, corruption): the store cannot continue safely. */
public class BackendException extends RuntimeException {

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
