package io.kybernetes.apiserver.it;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.TestPki;
import io.kybernetes.apiserver.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * A real HTTPS admission webhook for the tests (Vert.x, a certificate for 127.0.0.1 from a test CA). Each path
 * answers with a function of the AdmissionReview request; every review received is recorded.
 */
final class WebhookServer implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final String caBundle;
    final int port;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookServer(Path dir, java.util.Map<String, Function<JsonNode, ObjectNode>> handlers) throws Exception {
        this(dir, handlers, "127.0.0.1", java.util.List.of());
    }

    /** A server on {@code host} whose certificate names {@code host} and {@code dnsNames}. */
    WebhookServer(Path dir, java.util.Map<String, Function<JsonNode, ObjectNode>> handlers, String host,
            java.util.List<String> dnsNames) throws Exception {
        TestPki.Issued ca = TestPki.ca("webhook-ca");
        java.security.KeyPair keys = TestPki.rsa();
        TestPki.Issued cert = new TestPki.Issued(keys, new io.kybernetes.launcher.pki.CertificateAuthority(ca.cert(),
                ca.keys().getPrivate()).sign(new io.kybernetes.launcher.pki.CertSpec("webhook", java.util.List.of(),
                        dnsNames, java.util.List.of(host), io.kybernetes.launcher.pki.KeyUsages.SERVER_AND_CLIENT,
                        java.time.Duration.ofDays(1)), keys.getPublic(), java.time.Clock.systemUTC()));
        Path certFile = TestPki.write(dir.resolve("webhook.crt"), cert.cert());
        Path keyFile = TestPki.write(dir.resolve("webhook.key"), cert.keys());
        caBundle = Base64.getEncoder().encodeToString(TestPki.pem(ca.cert()).getBytes());
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost(host)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile.toString())
                        .setKeyPath(keyFile.toString())));
        server.requestHandler(req -> req.body().onSuccess(b -> {
            Function<JsonNode, ObjectNode> h = handlers.get(req.path());
            if (h == null) {
                req.response().setStatusCode(404).end();
                return;
            }
            try {
                JsonNode review = Json.parse(b.getBytes());
                received.add(review);
                ObjectNode response = h.apply(review.path("request"));
                response.put("uid", review.path("request").path("uid").asText());
                ObjectNode out = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
                out.set("response", response);
                req.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(Json.bytes(out)));
            } catch (Exception e) {
                req.response().setStatusCode(500).end(e.toString());
            }
        }));
        port = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    static ObjectNode allow() {
        return Json.object().put("allowed", true);
    }

    static ObjectNode deny(int code, String message) {
        ObjectNode r = Json.object().put("allowed", false);
        r.putObject("status").put("code", code).put("message", message);
        return r;
    }

    /** Allows with a JSONPatch (base64, patchType JSONPatch). */
    static ObjectNode patch(String jsonPatch) {
        return allow().put("patchType", "JSONPatch")
                .put("patch", Base64.getEncoder().encodeToString(jsonPatch.getBytes()));
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
