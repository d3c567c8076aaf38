package io.kybernetes.apiserver.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.authorization.AccessFilter;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The request an admission runs for: its user (set by the access filter) and the warnings the plugins add, kept in
 * the request's duplicated Vert.x context so the store's generic write path reaches them without every caller
 * passing them on. The warnings become {@code Warning: 299 - "..."} headers, which kubectl prints. Writes without
 * a request (the apiserver's own bootstrap, namespace cleanup) run as {@link #SYSTEM}.
 */
@ApplicationScoped
public class RequestScope {

    private static final String KEY = "kybernetes.admission.scope";
    /** The apiserver itself (upstream's loopback client is in system:masters). */
    public static final UserInfo SYSTEM = new UserInfo("system:apiserver", "", List.of("system:masters",
            UserInfo.AUTHENTICATED), Map.of());

    /** The user and the warnings of one request. */
    public record Scope(UserInfo user, List<String> warnings) {
    }

    void routes(@Observes Router router) {
        // right after the access filter (order -1000), which has put the user on the routing context
        router.route().order(-999).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        if (VertxContext.isOnDuplicatedContext()) {
            Object u = rc.get(AccessFilter.USER);
            Scope scope = new Scope(u instanceof UserInfo user ? user : UserInfo.anonymous(), new ArrayList<>());
            ContextLocals.put(KEY, scope);
            rc.addHeadersEndHandler(v -> {
                synchronized (scope.warnings()) {
                    for (String w : scope.warnings()) {
                        rc.response().headers().add("Warning", warningHeader(w));
                    }
                }
            });
        }
        rc.next();
    }

    /** Upstream's warning header value: code 299, no agent, the text quoted. */
    static String warningHeader(String text) {
        String clean = text.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\r\\n\\t]", " ");
        return "299 - \"" + clean + "\"";
    }

    /** The current request's scope, or the system's (a fresh warnings list nobody reads) outside requests. */
    public static Scope current() {
        if (VertxContext.isOnDuplicatedContext()) {
            Scope s = ContextLocals.<Scope>get(KEY).orElse(null);
            if (s != null) {
                return s;
            }
        }
        return new Scope(SYSTEM, new ArrayList<>());
    }
}
