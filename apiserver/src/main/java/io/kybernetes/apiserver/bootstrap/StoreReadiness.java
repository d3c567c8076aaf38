package io.kybernetes.apiserver.bootstrap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.kybernetes.apiserver.storage.EtcdStore;

/** /readyz: ready when etcd answers and the system objects exist. */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {

    private final EtcdStore store;
    private final SystemObjects namespaces;

    public StoreReadiness(EtcdStore store, SystemObjects namespaces) {
        this.store = store;
        this.namespaces = namespaces;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("etcd").status(store.reachable() && namespaces.done()).build();
    }
}
