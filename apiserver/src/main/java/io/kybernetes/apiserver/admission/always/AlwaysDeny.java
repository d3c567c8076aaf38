package io.kybernetes.apiserver.admission.always;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.ValidatingPlugin;

/** Upstream's AlwaysDeny (for tests): refuses every write with its message. */
@ApplicationScoped
public class AlwaysDeny implements ValidatingPlugin {

    @Override
    public String name() {
        return "AlwaysDeny";
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest request) {
        throw request.forbidden("admission control is denying all modifications");
    }
}
