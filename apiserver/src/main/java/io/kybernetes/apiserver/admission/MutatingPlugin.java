package io.kybernetes.apiserver.admission;

import java.util.concurrent.CompletableFuture;

/** A plugin of the mutating phase: may change {@link AdmissionRequest#object()} or refuse (a failed future). */
public interface MutatingPlugin extends AdmissionPlugin {

    CompletableFuture<Void> admit(AdmissionRequest request);
}
