package io.kybernetes.ingress.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.kybernetes.ingress.sync.IngressController;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Live while nginx runs; ready once nginx serves the routes built from the filled caches. */
public class IngressHealthChecks {

    @ApplicationScoped
    @Liveness
    public static class NginxRunning implements HealthCheck {
        @Inject
        IngressController controller;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("nginx").status(controller.live()).build();
        }
    }

    @ApplicationScoped
    @Readiness
    public static class RoutesLive implements HealthCheck {
        @Inject
        IngressController controller;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("ingress-routes").status(controller.ready()).build();
        }
    }
}
