package io.kybernetes.dns.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.kybernetes.dns.server.DnsServer;
import io.kybernetes.dns.watch.ClusterWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Live while the DNS sockets are bound; ready once the records hold the API's Services too. */
public class DnsHealthChecks {

    @ApplicationScoped
    @Liveness
    public static class Serving implements HealthCheck {
        @Inject
        DnsServer server;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("dns-serving").status(server.listening())
                    .withData("port", server.port()).build();
        }
    }

    @ApplicationScoped
    @Readiness
    public static class Synced implements HealthCheck {
        @Inject
        DnsServer server;

        @Inject
        ClusterWatcher watcher;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("dns-records").status(server.listening() && watcher.synced())
                    .withData("services", watcher.state().size()).build();
        }
    }
}
