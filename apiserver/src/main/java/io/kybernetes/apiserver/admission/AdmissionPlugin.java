package io.kybernetes.apiserver.admission;

/** An admission plugin: a name (as upstream's, for --enable/--disable-admission-plugins). */
public interface AdmissionPlugin {

    String name();
}
