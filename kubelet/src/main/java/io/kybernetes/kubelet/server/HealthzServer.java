package io.kybernetes.kubelet.server;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kybernetes.kubelet.KubeletConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * Upstream's plain-HTTP health endpoint: {@code GET /healthz} answers {@code ok} on {@code --healthz-bind-address}
 * and {@code --healthz-port} (127.0.0.1:10248), without credentials, whatever the API port's TLS and
 * authorization. A port of 0 turns it off. Every other path is 404.
 */
@ApplicationScoped
public class HealthzServer {

    private static final Logger LOG = Logger.getLogger(HealthzServer.class);

    @Inject
    KubeletConfig config;

    @Inject
    Vertx vertx;

    private HttpServer server;

    void start(@Observes StartupEvent ev) {
        int port = config.healthzPort();
        if (port <= 0) {
            return;
        }
        String host = config.healthzBindAddress();
        server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/healthz")) {
                req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("ok");
            } else {
                req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("404 page not found\n");
            }
        });
        server.listen(port, host).onSuccess(s -> LOG.infof("healthz on http://%s:%d/healthz", host, s.actualPort()))
                .onFailure(e -> LOG.warnf("healthz endpoint %s:%d not served: %s", host, port, e.getMessage()));
    }

    void stop(@Observes ShutdownEvent ev) {
        if (server != null) {
            server.close();
        }
    }
}
