package io.kybernetes.apiserver.audit;

/** How much of a request is recorded (audit.k8s.io/v1 Level), from nothing to both bodies. */
public enum Level {
    None, Metadata, Request, RequestResponse;

    public boolean atLeast(Level other) {
        return compareTo(other) >= 0;
    }
}
