package io.kybernetes.kubelet.stats;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kybernetes.kubelet.KubeletService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /stats/summary} on the kubelet's HTTP server. */
@ApplicationScoped
public class StatsRoute {

    private static final Logger LOG = Logger.getLogger(StatsRoute.class);

    @Inject
    KubeletService kubelet;

    private volatile StatsSummary stats;

    void init(@Observes Router router) {
        router.get("/stats/summary").blockingHandler(this::handle, false);
    }

    void handle(RoutingContext ctx) {
        if (kubelet.cri() == null || kubelet.nodeName() == null) {
            ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain")
                    .end("kubelet is not connected to the container runtime yet\n");
            return;
        }
        if (stats == null) {
            stats = new StatsSummary(kubelet.cri(), kubelet.nodeName());
        }
        try {
            ctx.response().putHeader("Content-Type", "application/json").end(stats.summary().toString());
        } catch (RuntimeException e) {
            LOG.warnf("stats summary: %s", e.toString());
            ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain")
                    .end("cannot read stats from the container runtime\n");
        }
    }
}
