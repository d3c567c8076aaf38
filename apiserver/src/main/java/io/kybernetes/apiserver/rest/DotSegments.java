package io.kybernetes.apiserver.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kybernetes.apiserver.status.ApiException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose path has a {@code .} or {@code ..} segment (also as {@code %2e}) with 400 BadRequest,
 * before anything authorizes or routes it. Vert.x's normalized path removes such segments, so
 * {@code DELETE /api/v1/namespaces/x/configmaps/..} would otherwise reach the namespace x itself; upstream refuses
 * those names ("may not be '.'", "may not be '..'") and never resolves them.
 */
@ApplicationScoped
public class DotSegments {

    void routes(@Observes Router router) {
        router.route().order(-2001).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        String bad = dotSegment(rc.request().path());
        if (bad == null) {
            rc.next();
            return;
        }
        ApiException e = ApiException.badRequest("invalid path segment \"" + bad + "\": may not be '" + bad + "'");
        rc.response().setStatusCode(e.code()).putHeader("Content-Type", "application/json")
                .end(e.toStatus().toString());
    }

    /** The first segment of a raw path that is "." or ".." once %2e/%2E are decoded, or null. */
    static String dotSegment(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        int q = rawPath.indexOf('?');
        String path = q < 0 ? rawPath : rawPath.substring(0, q);
        for (String segment : path.split("/", -1)) {
            String s = segment.replace("%2e", ".").replace("%2E", ".");
            if (s.equals(".") || s.equals("..")) {
                return s;
            }
        }
        return null;
    }
}
