package io.kybernetes.kubelet.logs;

import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kybernetes.kubelet.KubeletService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}. A plain Vert.x route rather than a REST resource so
 * that a follow stream can notice the client going away (close handler) and flush each chunk as it comes.
 */
@ApplicationScoped
public class ContainerLogsRoute {

    private static final Logger LOG = Logger.getLogger(ContainerLogsRoute.class);

    @Inject
    KubeletService kubelet;

    void init(@Observes Router router) {
        router.get("/containerLogs/:namespace/:pod/:container").blockingHandler(this::handle, false);
    }

    void handle(RoutingContext ctx) {
        HttpServerResponse resp = ctx.response();
        ContainerLogs logs = kubelet.containerLogs();
        if (logs == null) {
            fail(resp, 503, "kubelet is not connected to the container runtime yet");
            return;
        }
        LogOptions options;
        try {
            options = LogOptions.from(name -> ctx.request().getParam(name), Instant.now());
        } catch (IllegalArgumentException e) {
            fail(resp, 400, e.getMessage());
            return;
        }
        String ns = ctx.pathParam("namespace");
        String pod = ctx.pathParam("pod");
        String container = ctx.pathParam("container");
        ContainerLogs.Target target;
        try {
            target = logs.find(ns, pod, container, options.previous());
        } catch (ContainerLogs.NotAvailable e) {
            fail(resp, e.status, e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warnf("logs of %s/%s/%s: %s", ns, pod, container, e.toString());
            fail(resp, 500, "cannot reach the container runtime");
            return;
        }
        AtomicBoolean closed = new AtomicBoolean();
        resp.closeHandler(v -> closed.set(true));
        resp.setChunked(true).putHeader("Content-Type", "text/plain");
        LogStreamer streamer = new LogStreamer(target.file(), options);
        try {
            streamer.stream(chunk -> {
                if (closed.get() || resp.closed()) {
                    return false;
                }
                if (!chunk.isEmpty()) {
                    while (resp.writeQueueFull() && !closed.get()) {
                        sleep();
                    }
                    resp.write(Buffer.buffer(chunk));
                }
                return true;
            }, () -> !options.previous() && logs.running(target.containerId()));
        } catch (NoSuchFileException e) {
            // nothing logged yet: an empty log
        } catch (Exception e) {
            LOG.debugf("log stream of %s/%s/%s ended: %s", ns, pod, container, e.toString());
        }
        if (!resp.closed() && !resp.ended()) {
            resp.end();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void fail(HttpServerResponse resp, int status, String message) {
        resp.setStatusCode(status).putHeader("Content-Type", "text/plain").end(message + "\n");
    }
}
