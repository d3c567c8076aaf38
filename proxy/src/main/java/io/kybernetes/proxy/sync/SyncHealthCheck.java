package io.kybernetes.proxy.sync;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Liveness: the rules were written recently enough. Readiness: they were written at least once. */
public final class SyncHealthCheck {

    private SyncHealthCheck() {
    }

    static HealthCheckResponseBuilder describe(String name, SyncStatus s) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(name)
                .withData("lastSuccessfulSync", s == null || s.lastSuccess() == null ? "never" : s.lastSuccess().toString())
                .withData("servicePorts", s == null ? 0 : s.servicePorts());
        if (s != null && !s.lastError().isEmpty()) {
            b.withData("lastError", s.lastError());
        }
        return b;
    }

    @Liveness
    @ApplicationScoped
    public static class Recent implements HealthCheck {
        @Inject
        ServiceWatcher watcher;

        @Override
        public HealthCheckResponse call() {
            SyncStatus s = watcher.status();
            return describe("proxy-rules-sync", s).status(s != null && s.healthy()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Synced implements HealthCheck {
        @Inject
        ServiceWatcher watcher;

        @Override
        public HealthCheckResponse call() {
            SyncStatus s = watcher.status();
            return describe("proxy-rules-synced", s).status(s != null && s.synced()).build();
        }
    }
}
