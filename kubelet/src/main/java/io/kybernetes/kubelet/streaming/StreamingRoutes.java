package io.kybernetes.kubelet.streaming;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.kybernetes.kubelet.KubeletService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Mounts the {@link StreamingProxy} endpoints on the kubelet's HTTP server. */
@ApplicationScoped
public class StreamingRoutes {

    @Inject
    KubeletService kubelet;

    @Inject
    Vertx vertx;

    void init(@Observes Router router) {
        new StreamingProxy(vertx, kubelet::cri).register(router);
    }
}
