package io.kybernetes.kubelet.server;

import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Clock;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.kubelet.certificate.NodeClients;
import io.kybernetes.kubelet.KubeletConfig;
import io.kybernetes.kubelet.eviction.Thresholds;
import io.kybernetes.kubelet.node.NodeAddresses;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Every request to the kubelet's API passes here first: authentication, then authorization, as upstream's kubelet
 * filter does. 401 {@code Unauthorized} without acceptable credentials, 403 with upstream's
 * {@code Forbidden (user=..., verb=..., resource=nodes, subresource=...)} on deny. With the defaults
 * (anonymous allowed, AlwaysAllow, no client CA, no token webhook) requests pass untouched.
 */
@ApplicationScoped
public class AuthFilter {

    private static final Logger LOG = Logger.getLogger(AuthFilter.class);
    public static final String USER = "kybernetes.kubelet.user";

    @Inject
    KubeletConfig config;

    @Inject
    Vertx vertx;

    private volatile KubeletAuthenticator authenticator;
    private volatile KubeletAuthorizer authorizer;
    private volatile String nodeName;
    private KubernetesClient client;

    void start(@Observes StartupEvent ev) {
        nodeName = config.hostnameOverride().filter(s -> !s.isBlank()).map(String::toLowerCase)
                .orElseGet(NodeAddresses::hostname);
        try {
            boolean webhookAuthn = config.authenticationTokenWebhook();
            boolean webhookAuthz = config.authorizationMode().trim().equals("Webhook");
            ApiReviews reviews = null;
            if (webhookAuthn || webhookAuthz) {
                client = NodeClients.fromKubeconfig(Path.of(config.kubeconfig()), true);
                reviews = new ApiReviews(client);
            }
            authenticator = new KubeletAuthenticator(config.clientCaFile().filter(s -> !s.isBlank()).isPresent(),
                    webhookAuthn ? reviews : null,
                    Thresholds.goDuration(config.authenticationTokenWebhookCacheTtl()), config.anonymousAuth(),
                    Clock.systemUTC());
            authorizer = KubeletAuthorizer.forMode(config.authorizationMode(), reviews,
                    Thresholds.goDuration(config.authorizationWebhookCacheAuthorizedTtl()),
                    Thresholds.goDuration(config.authorizationWebhookCacheUnauthorizedTtl()));
        } catch (RuntimeException e) {
            LOG.errorf("kubelet cannot start: %s", e.getMessage());
            Quarkus.asyncExit(1);
            return;
        }
        LOG.infof("kubelet API: %s, client certificates %s, token webhook %s, anonymous %s, authorization %s",
                config.tlsCertFile().isPresent() ? "HTTPS"
                        : config.rotateServerCertificates() ? "HTTPS (serving certificate from the cluster)" : "plain HTTP",
                config.clientCaFile().isPresent() ? "on" : "off", config.authenticationTokenWebhook() ? "on" : "off",
                config.anonymousAuth() ? "allowed" : "refused", config.authorizationMode());
    }

    void stop(@Observes ShutdownEvent ev) {
        if (client != null) {
            client.close();
        }
    }

    void routes(@Observes Router router) {
        router.route().order(-1000).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        KubeletAuthenticator authn = authenticator;
        KubeletAuthorizer authz = authorizer;
        if (authn == null || authz == null) {
            rc.response().setStatusCode(503).putHeader("Content-Type", "text/plain").end("kubelet is starting\n");
            return;
        }
        if (authn.trivial() && authz.alwaysAllows()) {
            rc.next();
            return;
        }
        Certificate[] peer = peerCertificates(rc);
        String authorization = rc.request().getHeader("Authorization");
        RequestAttributes attrs = RequestAttributes.of(rc.request().method().name(), rc.normalizedPath(), nodeName);
        rc.request().pause();
        vertx.<Integer>executeBlocking(() -> {
            KubeletAuthenticator.Result r = authn.authenticate(peer, authorization);
            if (!r.authenticated()) {
                LOG.debugf("401 %s %s: %s", attrs.verb(), attrs.path(), r.failure());
                return 401;
            }
            rc.put(USER, r.user());
            if (!authz.authorize(r.user(), attrs)) {
                LOG.debugf("403 %s", attrs.forbidden(r.user().name()));
                return 403;
            }
            return 200;
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warnf("authorizing %s %s: %s", attrs.verb(), attrs.path(), ar.cause().toString());
                rc.response().setStatusCode(500).putHeader("Content-Type", "text/plain")
                        .end("Authorization error (user=" + user(rc) + ", verb=" + attrs.verb()
                                + ", resource=nodes, subresource=" + attrs.subresource() + ")\n");
                return;
            }
            switch (ar.result()) {
                case 401 -> rc.response().setStatusCode(401).putHeader("Content-Type", "text/plain")
                        .end("Unauthorized");
                case 403 -> rc.response().setStatusCode(403).putHeader("Content-Type", "text/plain")
                        .end(attrs.forbidden(user(rc)));
                default -> {
                    rc.next();
                    rc.request().resume();
                }
            }
        });
    }

    private static String user(RoutingContext rc) {
        KubeletUser u = rc.get(USER);
        return u == null ? "" : u.name();
    }

    private static Certificate[] peerCertificates(RoutingContext rc) {
        SSLSession s = rc.request().sslSession();
        if (s == null) {
            return null;
        }
        try {
            return s.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
