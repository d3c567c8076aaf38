package io.kybernetes.apiserver.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.authorization.AccessFilter;
import io.kybernetes.apiserver.authorization.Attributes;
import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.rest.RequestInfo;
import io.kybernetes.apiserver.status.ApiException;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Auditing as upstream's (--audit-policy-file with --audit-log-path): every request gets an audit ID (the
 * {@code Audit-ID} request header, else a new UUID), returned as the {@code Audit-Id} response header; the policy's
 * first matching rule decides the level, and audit.k8s.io/v1 Events are written for the stages RequestReceived
 * (once the user is known), ResponseStarted (long-running requests: watches, followed logs), ResponseComplete, or
 * Panic (a request that failed with an unexpected error), less the omitted stages. Request level adds the request
 * body, RequestResponse the response body too (what the API handlers leave under {@link #RESPONSE_OBJECT}).
 */
@ApplicationScoped
public class AuditFilter {

    private static final Logger LOG = Logger.getLogger(AuditFilter.class);
    /** Where the API handlers leave the object they answer with (read at RequestResponse level). */
    public static final String RESPONSE_OBJECT = "kybernetes.audit.response";
    /** Where the access filter leaves its authorizer's reason (the authorization.k8s.io/reason annotation). */
    public static final String AUTHORIZATION_REASON = "kybernetes.audit.authorization-reason";
    /** Where the access filter leaves the authenticated user of an impersonating request. */
    public static final String REQUESTER = "kybernetes.audit.requester";
    private static final String STATE = "kybernetes.audit.state";
    private static final String REQUEST_OBJECT = "kybernetes.audit.request";
    static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final AuditPolicy policy;
    private final AuditLog log;

    public AuditFilter(ApiserverConfig config) throws IOException {
        if (config.auditPolicyFile().isPresent() && config.auditLogPath().isPresent()) {
            try {
                policy = AuditPolicy.load(Path.of(config.auditPolicyFile().get()));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("--audit-policy-file " + config.auditPolicyFile().get() + ": "
                        + e.getMessage(), e);
            }
            String p = config.auditLogPath().get();
            log = new AuditLog(p.equals("-") ? null : Path.of(p), config.auditLogMaxsize(),
                    config.auditLogMaxbackup(), 10_000);
            LOG.infof("audit: %d policy rules, log %s (maxsize %d MB, maxbackup %d)", policy.rules().size(), p,
                    config.auditLogMaxsize(), config.auditLogMaxbackup());
        } else {
            if (config.auditPolicyFile().isPresent() || config.auditLogPath().isPresent()) {
                LOG.warn("audit: --audit-policy-file and --audit-log-path are both needed; auditing is off");
            }
            policy = null;
            log = null;
        }
    }

    public boolean enabled() {
        return log != null;
    }

    void routes(@Observes Router router) {
        if (log == null) {
            return;
        }
        // before the access filter (order -1000), and again once it let the request through
        router.route().order(-1001).handler(this::received);
        router.route().order(-998).handler(this::authorized);
    }

    void onStop(@Observes ShutdownEvent e) {
        if (log != null) {
            log.close();
        }
    }

    /** One request's audit state. */
    static final class State {
        final String id;
        final Instant received = Instant.now();
        boolean authorized;
        boolean receivedLogged;
        AuditPolicy.Decision decision;
        Attributes attributes;

        State(String id) {
            this.id = id;
        }
    }

    void received(RoutingContext rc) {
        String given = rc.request().getHeader("Audit-ID");
        State s = new State(given == null || given.isBlank() ? UUID.randomUUID().toString() : given.trim());
        rc.put(STATE, s);
        rc.response().putHeader("Audit-Id", s.id);
        boolean longRunning = longRunning(rc);
        rc.addHeadersEndHandler(v -> {
            if (longRunning) {
                emitReceived(rc, s);
                emit(rc, s, "ResponseStarted");
            }
        });
        rc.addEndHandler(v -> {
            emitReceived(rc, s);
            Throwable failure = rc.failure();
            emit(rc, s, failure != null && !(failure instanceof ApiException) && rc.response().getStatusCode() >= 500
                    ? "Panic" : "ResponseComplete");
        });
        rc.next();
    }

    void authorized(RoutingContext rc) {
        State s = rc.get(STATE);
        if (s != null) {
            s.authorized = true;
            emitReceived(rc, s);
        }
        rc.next();
    }

    /** Records the decoded request body of an audited request (a copy: the handlers change theirs). */
    public static void requestObject(RoutingContext rc, ObjectNode body) {
        if (rc.get(STATE) != null) {
            rc.put(REQUEST_OBJECT, body.deepCopy());
        }
    }

    static boolean longRunning(RoutingContext rc) {
        String path = rc.normalizedPath();
        String watch = rc.queryParams().get("watch");
        String follow = rc.queryParams().get("follow");
        return path.contains("/watch/") || "true".equals(watch) || "1".equals(watch)
                || (path.endsWith("/log") && ("true".equals(follow) || "1".equals(follow)));
    }

    private void emitReceived(RoutingContext rc, State s) {
        if (!s.receivedLogged) {
            s.receivedLogged = true;
            emit(rc, s, "RequestReceived");
        }
    }

    private AuditPolicy.Decision decide(RoutingContext rc, State s) {
        if (s.decision == null) {
            // as upstream, the policy sees (and the event names) the authenticated user; an impersonated one is
            // the event's impersonatedUser
            Object requester = rc.get(REQUESTER);
            Object u = requester != null ? requester : rc.get(AccessFilter.USER);
            UserInfo user = u instanceof UserInfo ui ? ui
                    : rc.response().getStatusCode() == 401 ? new UserInfo("", "", java.util.List.of(), null)
                    : UserInfo.anonymous();
            s.attributes = Attributes.of(user, rc.request().method().name(), rc.normalizedPath(),
                    rc.queryParams().get("watch"));
            s.decision = policy.decide(s.attributes);
        }
        return s.decision;
    }

    private void emit(RoutingContext rc, State s, String stage) {
        try {
            AuditPolicy.Decision d = decide(rc, s);
            if (d.level() == Level.None || d.omitStages().contains(stage)) {
                return;
            }
            log.write(Json.bytes(event(rc, s, d.level(), stage)));
        } catch (RuntimeException e) {
            LOG.warnf("audit event for %s %s: %s", rc.request().method(), rc.request().uri(), e.toString());
        }
    }

    ObjectNode event(RoutingContext rc, State s, Level level, String stage) {
        Attributes a = s.attributes;
        ObjectNode e = Json.object().put("kind", "Event").put("apiVersion", "audit.k8s.io/v1")
                .put("level", level.name()).put("auditID", s.id).put("stage", stage)
                .put("requestURI", rc.request().uri()).put("verb", a.verb());
        e.set("user", user(a.user()));
        if (rc.get(REQUESTER) != null && rc.get(AccessFilter.USER) instanceof UserInfo impersonated) {
            e.set("impersonatedUser", user(impersonated));
        }
        ArrayNode ips = e.putArray("sourceIPs");
        String forwarded = rc.request().getHeader("X-Forwarded-For");
        if (forwarded != null) {
            for (String ip : forwarded.split(",")) {
                if (!ip.isBlank()) {
                    ips.add(ip.trim());
                }
            }
        }
        if (rc.request().remoteAddress() != null) {
            ips.add(rc.request().remoteAddress().hostAddress());
        }
        String agent = rc.request().getHeader("User-Agent");
        if (agent != null) {
            e.put("userAgent", agent);
        }
        boolean complete = stage.equals("ResponseComplete") || stage.equals("Panic");
        if (a.resourceRequest()) {
            ObjectNode ref = objectRef(rc, a);
            // a create names its object in the body: upstream records the name of the object it decoded
            if (complete && a.verb().equals("create") && !ref.has("name")) {
                JsonNode named = rc.get(RESPONSE_OBJECT) instanceof JsonNode out
                        && !out.path("kind").asText("").equals("Status") ? out : requestBody(rc);
                String name = named == null ? "" : named.path("metadata").path("name").asText("");
                if (!name.isEmpty()) {
                    ref.put("name", name);
                }
            }
            e.set("objectRef", ref);
        }
        if (!stage.equals("RequestReceived")) {
            e.set("responseStatus", responseStatus(rc, stage));
        }
        if (complete && level.atLeast(Level.Request)) {
            JsonNode body = requestBody(rc);
            if (body != null) {
                e.set("requestObject", body);
            }
        }
        if (complete && level.atLeast(Level.RequestResponse) && rc.get(RESPONSE_OBJECT) instanceof JsonNode out) {
            e.set("responseObject", out);
        }
        e.put("requestReceivedTimestamp", MICRO.format(s.received));
        e.put("stageTimestamp", MICRO.format(stage.equals("RequestReceived") ? s.received : Instant.now()));
        if (!stage.equals("RequestReceived") || s.authorized) {
            ObjectNode ann = e.putObject("annotations");
            boolean forbidden = !s.authorized && rc.response().getStatusCode() == 403;
            ann.put("authorization.k8s.io/decision", forbidden ? "forbid" : "allow");
            if (rc.get(AUTHORIZATION_REASON) instanceof String reason) {
                ann.put("authorization.k8s.io/reason", reason);
            }
        }
        return e;
    }

    static ObjectNode user(UserInfo u) {
        ObjectNode o = u.toJson();
        if (u.name().isEmpty()) {
            o.remove("username");
        }
        if (u.groups().isEmpty()) {
            o.remove("groups");
        }
        return o;
    }

    static ObjectNode objectRef(RoutingContext rc, Attributes a) {
        ObjectNode ref = Json.object().put("resource", a.resource());
        if (!a.namespace().isEmpty()) {
            ref.put("namespace", a.namespace());
        }
        if (!a.name().isEmpty()) {
            ref.put("name", a.name());
        }
        if (!a.apiGroup().isEmpty()) {
            ref.put("apiGroup", a.apiGroup());
        }
        RequestInfo info = RequestInfo.parse(rc.normalizedPath());
        if (info != null && info.version() != null) {
            ref.put("apiVersion", info.version());
        }
        if (!a.subresource().isEmpty()) {
            ref.put("subresource", a.subresource());
        }
        return ref;
    }

    static ObjectNode responseStatus(RoutingContext rc, String stage) {
        int code = stage.equals("Panic") ? 500 : rc.response().getStatusCode();
        ObjectNode st = Json.object();
        st.putObject("metadata");
        if (code >= 400 && rc.get(RESPONSE_OBJECT) instanceof JsonNode out
                && out.path("kind").asText("").equals("Status")) {
            st.put("status", out.path("status").asText("Failure"));
            if (out.hasNonNull("message")) {
                st.put("message", out.path("message").asText());
            }
            if (!out.path("reason").asText("").isEmpty()) {
                st.put("reason", out.path("reason").asText());
            }
        } else if (stage.equals("Panic")) {
            st.put("status", "Failure").put("message", "APIServer panic'd: " + rc.failure());
        }
        st.put("code", code);
        return st;
    }

    /** The request's body as JSON (JSON, a JSON/merge/strategic patch, or YAML); null without one. */
    static JsonNode requestBody(RoutingContext rc) {
        if (rc.get(REQUEST_OBJECT) instanceof JsonNode decoded) {
            return decoded;
        }
        String method = rc.request().method().name();
        if (!Set.of("POST", "PUT", "PATCH").contains(method) || !rc.normalizedPath().startsWith("/api")) {
            return null;
        }
        Buffer b = rc.body() == null ? null : rc.body().buffer();
        if (b == null || b.length() == 0) {
            return null;
        }
        String type = String.valueOf(rc.request().getHeader("Content-Type"));
        try {
            if (type.contains("json")) {
                return Json.parse(b.getBytes());
            }
            if (type.contains("yaml")) {
                return Json.parseYaml(b.getBytes());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("audit: request body not recorded: %s", e.getMessage());
        }
        return null;
    }
}
