package io.kybernetes.store.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.kybernetes.store.StoreNode;

/** The store is live and ready while its writer accepts writes. */
@Liveness
@Readiness
@ApplicationScoped
public class StoreHealthCheck implements HealthCheck {

    private final StoreNode node;

    public StoreHealthCheck(StoreNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("store")
                .status(node.mvcc().healthy())
                .withData("revision", node.mvcc().rev())
                .withData("compactedRevision", node.mvcc().compactedRev())
                .build();
    }
}
