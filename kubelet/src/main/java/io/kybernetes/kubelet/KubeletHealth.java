package io.kybernetes.kubelet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the pod cache has synced and the container runtime answers. */
@Readiness
@ApplicationScoped
public class KubeletHealth implements HealthCheck {

    @Inject
    KubeletService kubelet;

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("kubelet");
        if (!kubelet.agentEnabled()) {
            return b.up().withData("agent", "disabled").build();
        }
        boolean synced = kubelet.podsSynced();
        String runtime = kubelet.runtimeVersion();
        return b.status(synced && runtime != null).withData("podsSynced", synced)
                .withData("runtime", runtime == null ? "unreachable" : runtime).build();
    }
}
