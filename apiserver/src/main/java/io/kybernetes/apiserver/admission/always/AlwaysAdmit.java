package io.kybernetes.apiserver.admission.always;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.ValidatingPlugin;

/** Upstream's AlwaysAdmit (deprecated there): admits everything. */
@ApplicationScoped
public class AlwaysAdmit implements ValidatingPlugin {

    @Override
    public String name() {
        return "AlwaysAdmit";
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest request) {
        return CompletableFuture.completedFuture(null);
    }
}
