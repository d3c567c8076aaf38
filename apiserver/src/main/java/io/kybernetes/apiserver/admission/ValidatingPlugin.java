package io.kybernetes.apiserver.admission;

import java.util.concurrent.CompletableFuture;

/** A plugin of the validating phase (after the kind's own validation): may only refuse (a failed future). */
public interface ValidatingPlugin extends AdmissionPlugin {

    CompletableFuture<Void> validate(AdmissionRequest request);
}
