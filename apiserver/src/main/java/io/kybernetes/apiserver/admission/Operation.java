package io.kybernetes.apiserver.admission;

/** The operation an admission plugin is asked about, as upstream's admission.Operation. */
public enum Operation {
    CREATE, UPDATE, DELETE, CONNECT
}
