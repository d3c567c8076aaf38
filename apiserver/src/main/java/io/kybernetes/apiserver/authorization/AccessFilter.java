package io.kybernetes.apiserver.authorization;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.Authenticator;
import io.kybernetes.apiserver.authentication.TokenRequests;
import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.protobuf.ProtobufCodec;
import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Where every request enters. When security is on (any authenticator flag, or an authorization mode other than
 * AlwaysAllow): authenticate, authorize, then either answer the review APIs and TokenRequest here or pass the
 * request on to the API routes. With no security flags only the review APIs are answered here (for
 * system:anonymous, everything allowed) and every other request passes on untouched.
 */
@ApplicationScoped
public class AccessFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    public static final String USER = "kybernetes.user";
    private static final int BODY_LIMIT = 1024 * 1024;

    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final PolicySource policies;
    private final AccessReviews reviews;
    private final TokenRequests tokenRequests;
    private final jakarta.enterprise.inject.Instance<ProtobufCodec> codec;

    public AccessFilter(Authenticator authenticator, Authorizer authorizer, PolicySource policies,
            AccessReviews reviews, TokenRequests tokenRequests,
            jakarta.enterprise.inject.Instance<ProtobufCodec> codec) {
        this.codec = codec;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.policies = policies;
        this.reviews = reviews;
        this.tokenRequests = tokenRequests;
    }

    void routes(@Observes Router router) {
        router.route().order(-1000).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        if (!authenticator.enabled()) {
            // no security: every request is system:anonymous and allowed; only the review APIs are answered here
            // (kubectl auth whoami / can-i work as upstream's with AlwaysAllow), the rest passes untouched
            if (rc.request().method() == HttpMethod.POST) {
                Attributes a = Attributes.of(UserInfo.anonymous(), "POST", rc.normalizedPath(), null);
                String served = served(a, HttpMethod.POST);
                if (served != null) {
                    rc.put(USER, a.user());
                    rc.request().body().onSuccess(b -> serve(rc, a, served, b)).onFailure(e -> fail(rc, e));
                    // Quarkus hands requests to the router paused
                    rc.request().resume();
                    return;
                }
            }
            rc.next();
            return;
        }
        rc.request().pause();
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        String method = rc.request().method().name();
        String path = rc.normalizedPath();
        authenticator.authenticate(rc.request()).thenCompose(requester -> impersonate(requester, rc))
                .thenCompose(user -> {
            rc.put(USER, user);
            Attributes a = Attributes.of(user, method, path, rc.queryParams().get("watch"));
            return authorizer.authorize(a).thenApply(d -> {
                rc.put(io.kybernetes.apiserver.audit.AuditFilter.AUTHORIZATION_REASON, d.reason());
                if (!d.allowed()) {
                    LOG.debugf("forbidden: %s", a.forbiddenMessage());
                    throw new ApiException(403, "Forbidden", a.forbiddenMessage(),
                            a.name().isEmpty() ? null : a.name(), a.apiGroup(),
                            a.resourceRequest() ? a.resource() : null, null, null);
                }
                return a;
            });
        }).whenComplete((a, t) -> ctx.runOnContext(v -> {
            if (t != null) {
                rc.request().resume();
                fail(rc, t);
                return;
            }
            try {
                proceed(rc, a);
            } catch (RuntimeException e) {
                rc.request().resume();
                fail(rc, e);
            }
        }));
    }

    /** The impersonated user when the request asks for one and the requester may impersonate it; else the requester. */
    private CompletableFuture<UserInfo> impersonate(UserInfo requester, RoutingContext rc) {
        Impersonation imp;
        try {
            imp = Impersonation.of(requester, rc.request().headers());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(ApiException.badRequest(e.getMessage()));
        }
        if (imp == null) {
            return CompletableFuture.completedFuture(requester);
        }
        rc.put(io.kybernetes.apiserver.audit.AuditFilter.REQUESTER, requester);
        CompletableFuture<UserInfo> result = CompletableFuture.completedFuture(imp.user());
        for (Attributes check : imp.checks()) {
            result = result.thenCompose(u -> authorizer.authorize(check).thenApply(d -> {
                if (!d.allowed()) {
                    String what = check.resource().equals("userextras") ? "userextras/" + check.subresource()
                            : check.resource();
                    throw new ApiException(403, "Forbidden", what + " \"" + check.name() + "\" is forbidden: User \""
                            + requester.name() + "\" cannot impersonate resource \"" + what + "\" in API group \""
                            + check.apiGroup() + "\"" + (check.namespace().isEmpty() ? " at the cluster scope"
                                    : " in the namespace \"" + check.namespace() + "\""),
                            check.name(), check.apiGroup(), check.resource(), null, null);
                }
                return u;
            }));
        }
        return result;
    }

    private void proceed(RoutingContext rc, Attributes a) {
        String served = served(a, rc.request().method());
        if (served != null) {
            rc.request().body().onSuccess(b -> serve(rc, a, served, b)).onFailure(e -> fail(rc, e));
            rc.request().resume();
            return;
        }
        if (a.resourceRequest() && a.apiGroup().equals(PolicySource.GROUP) && !a.verb().equals("get")
                && !a.verb().equals("list") && !a.verb().equals("watch")) {
            rc.addEndHandler(v -> policies.invalidate());
        }
        boolean upgrade = "websocket".equalsIgnoreCase(rc.request().getHeader("Upgrade"));
        if (upgrade) {
            rc.request().resume();
        }
        rc.next();
        if (!upgrade) {
            // the body handler of the API routes resumes the request itself; any other route gets it resumed here
            rc.request().resume();
        }
    }

    /** The API this filter answers itself, or null. */
    static String served(Attributes a, HttpMethod m) {
        if (!a.resourceRequest() || m != HttpMethod.POST || !a.name().isEmpty() && a.subresource().isEmpty()) {
            return null;
        }
        String g = a.apiGroup();
        String r = a.resource();
        if (g.equals("authentication.k8s.io") && (r.equals("selfsubjectreviews") || r.equals("tokenreviews"))) {
            return r;
        }
        if (g.equals("authorization.k8s.io") && (r.equals("selfsubjectaccessreviews") || r.equals("subjectaccessreviews")
                || r.equals("localsubjectaccessreviews") || r.equals("selfsubjectrulesreviews"))) {
            return r;
        }
        if (g.isEmpty() && r.equals("serviceaccounts") && a.subresource().equals("token") && !a.name().isEmpty()) {
            return "token";
        }
        return null;
    }

    private void serve(RoutingContext rc, Attributes a, String what, Buffer body) {
        ObjectNode in;
        try {
            if (body.length() > BODY_LIMIT) {
                throw new ApiException(413, "RequestEntityTooLarge", "the request is too large");
            }
            String type = String.valueOf(rc.request().getHeader("Content-Type"));
            JsonNode parsed;
            if (body.length() == 0) {
                parsed = Json.object();
            } else if (type.startsWith(ProtobufCodec.MEDIA_TYPE)) {
                // kubectl sends the review and TokenRequest bodies as protobuf
                if (!codec.isResolvable()) {
                    throw ApiException.unsupportedMediaType(type);
                }
                parsed = codec.get().decode(body.getBytes());
            } else if (type.contains("yaml")) {
                parsed = Json.parseYaml(body.getBytes());
            } else {
                parsed = Json.parse(body.getBytes());
            }
            if (!(parsed instanceof ObjectNode o)) {
                throw ApiException.badRequest("the request body is not a JSON object");
            }
            in = o;
        } catch (IOException e) {
            fail(rc, ApiException.badRequest("error decoding the request body: " + e.getMessage()));
            return;
        } catch (ApiException e) {
            fail(rc, e);
            return;
        } catch (IllegalArgumentException e) {
            fail(rc, ApiException.badRequest("error decoding the request body: " + e.getMessage()));
            return;
        }
        UserInfo user = a.user();
        CompletableFuture<ObjectNode> out;
        try {
            out = switch (what) {
                case "token" -> tokenRequests.create(a.namespace(), a.name(), in);
                case "tokenreviews" -> reviews.tokenReview(in, authenticator);
                case "selfsubjectreviews" -> CompletableFuture.completedFuture(reviews.selfSubjectReview(user,
                        a.path().isEmpty() ? rc.normalizedPath() : a.path()));
                default -> reviews.accessReview(what, user, a.namespace(), in);
            };
        } catch (RuntimeException e) {
            fail(rc, e);
            return;
        }
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        out.whenComplete((o, t) -> ctx.runOnContext(v -> {
            if (t != null) {
                fail(rc, t);
            } else {
                sendObject(rc, 201, o);
            }
        }));
    }

    /** A response object, as protobuf when the client asks only for it (JSON is the default of every client). */
    private void sendObject(RoutingContext rc, int code, ObjectNode obj) {
        String accept = String.valueOf(rc.request().getHeader("Accept"));
        if (accept.startsWith(ProtobufCodec.MEDIA_TYPE) && !accept.contains("json") && codec.isResolvable()
                && codec.get().supports(obj.path("apiVersion").asText(), obj.path("kind").asText())) {
            rc.response().setStatusCode(code).putHeader("Content-Type", ProtobufCodec.MEDIA_TYPE)
                    .end(Buffer.buffer(codec.get().encode(obj)));
            return;
        }
        send(rc, code, obj);
    }

    static void send(RoutingContext rc, int code, ObjectNode obj) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        rc.put(io.kybernetes.apiserver.audit.AuditFilter.RESPONSE_OBJECT, obj);
        rc.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(obj.toString());
    }

    static void fail(RoutingContext rc, Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        ApiException e;
        if (c instanceof ApiException a) {
            e = a;
        } else if (c instanceof IllegalArgumentException) {
            e = ApiException.badRequest(c.getMessage());
        } else {
            LOG.warnf("%s %s failed: %s", rc.request().method(), rc.request().uri(), c.toString());
            e = ApiException.internal(String.valueOf(c.getMessage()));
        }
        send(rc, e.code(), e.toStatus());
    }
}
