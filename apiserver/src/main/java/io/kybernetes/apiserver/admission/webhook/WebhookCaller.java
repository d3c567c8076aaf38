package io.kybernetes.apiserver.admission.webhook;

import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

/**
 * POSTs AdmissionReviews to webhooks over HTTPS (Vert.x HttpClient), verifying the server against the webhook's
 * caBundle (the JDK's CAs without one) and its host name: the URL's host, or {@code <service>.<namespace>.svc} for a
 * Service, which is dialled at its cluster IP (the proxy's rules carry it to an endpoint on this host). One client
 * per CA bundle. Failures are {@link CallFailed} with upstream's wording.
 */
@ApplicationScoped
public class WebhookCaller {

    private static final Logger LOG = Logger.getLogger(WebhookCaller.class);

    private final Vertx vertx;
    private final EtcdStore store;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public WebhookCaller(Vertx vertx, EtcdStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    /** A call that did not produce a usable answer (upstream: "failed to call webhook: ..."). */
    public static final class CallFailed extends RuntimeException {
        public CallFailed(String message) {
            super(message, null, false, false);
        }
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }

    /** Sends {@code review} to the webhook and completes with the parsed response body. */
    public CompletableFuture<JsonNode> call(Webhook w, ObjectNode review) {
        Webhook.Endpoint e = w.endpoint();
        String query = "timeout=" + w.timeoutSeconds() + "s";
        if (!e.isService()) {
            URI u = URI.create(e.url());
            int port = u.getPort() > 0 ? u.getPort() : 443;
            String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + "?" + (u.getRawQuery() == null ? "" : u.getRawQuery() + "&") + query;
            return post(w, u.getHost(), port, null, path, review);
        }
        String path = (e.servicePath().isEmpty() ? "/" : e.servicePath()) + "?" + query;
        return store.get("/registry/services/" + e.serviceNamespace() + "/" + e.serviceName()).thenCompose(v -> {
            if (v.isEmpty()) {
                throw new CallFailed("service \"" + e.serviceName() + "\" not found");
            }
            ObjectNode svc = GenericStore.decode(v.get());
            String ip = Json.str(svc, "spec.clusterIP");
            if (ip.isEmpty() || ip.equals("None")) {
                throw new CallFailed("service " + e.serviceNamespace() + "/" + e.serviceName()
                        + " has no cluster IP");
            }
            return post(w, e.serviceName() + "." + e.serviceNamespace() + ".svc", e.servicePort(),
                    SocketAddress.inetSocketAddress(e.servicePort(), ip), path, review);
        });
    }

    private CompletableFuture<JsonNode> post(Webhook w, String host, int port, SocketAddress server, String path,
            ObjectNode review) {
        String url = "https://" + host + ":" + port + path;
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        long timeoutMs = w.timeoutSeconds() * 1000L;
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI(path).setSsl(true).setTimeout(timeoutMs)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        if (server != null) {
            ro.setServer(server);
        }
        // the client is driven from an event-loop context: from a foreign thread (a store callback) a response's
        // body could start arriving before its handler is set
        vertx.getOrCreateContext().runOnContext(v -> send(w, ro, url, review, timeoutMs, result));
        return result;
    }

    private void send(Webhook w, RequestOptions ro, String url, ObjectNode review, long timeoutMs,
            CompletableFuture<JsonNode> result) {
        long timer = vertx.setTimer(timeoutMs, id -> result.completeExceptionally(
                new CallFailed("Post \"" + url + "\": context deadline exceeded")));
        client(w.endpoint().caBundle()).request(ro)
                .compose(req -> req.send(Buffer.buffer(Json.bytes(review))))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() != 200) {
                        throw new CallFailed("the server responded with status " + resp.statusCode()
                                + " (post " + url + ")");
                    }
                    JsonNode parsed;
                    try {
                        parsed = Json.parse(b.getBytes());
                    } catch (Exception ex) {
                        throw new AdmissionReviews.InvalidResponse("the response is not JSON: " + ex.getMessage());
                    }
                    if (parsed == null || !parsed.isObject()) {
                        String text = b.toString();
                        throw new AdmissionReviews.InvalidResponse("the response is not a JSON object ("
                                + b.length() + " bytes" + (text.isEmpty() ? "" : ": "
                                        + text.substring(0, Math.min(100, text.length()))) + ")");
                    }
                    return parsed;
                }))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else if (ar.cause() instanceof CallFailed || ar.cause() instanceof AdmissionReviews.InvalidResponse) {
                        result.completeExceptionally(ar.cause());
                    } else {
                        LOG.debugf("webhook %s: %s", w.name(), ar.cause());
                        result.completeExceptionally(new CallFailed("Post \"" + url + "\": " + describe(ar.cause())));
                    }
                });
    }

    static String describe(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.net.ConnectException || m.contains("Connection refused")) {
            return "dial tcp: connect: connection refused";
        }
        Throwable root = t;
        boolean tls = false;
        while (root.getCause() != null && root.getCause() != root) {
            tls |= root instanceof javax.net.ssl.SSLException;
            root = root.getCause();
        }
        tls |= root instanceof javax.net.ssl.SSLException || root instanceof java.security.cert.CertificateException;
        if (tls) {
            // the innermost cause says why (e.g. no subject alternative name matching the host)
            return "tls: failed to verify certificate: " + (root.getMessage() == null ? m : root.getMessage());
        }
        return m;
    }

    private HttpClient client(String caBundle) {
        return clients.computeIfAbsent(caBundle, ca -> {
            HttpClientOptions o = new HttpClientOptions().setSsl(true).setVerifyHost(true).setConnectTimeout(10_000)
                    .setKeepAlive(true);
            if (!ca.isEmpty()) {
                o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Base64.getDecoder().decode(ca))));
            }
            return vertx.createHttpClient(o);
        });
    }
}
