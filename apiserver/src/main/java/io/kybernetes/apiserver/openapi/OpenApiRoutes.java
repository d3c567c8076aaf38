package io.kybernetes.apiserver.openapi;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kybernetes.apiserver.registry.ResourceRegistry;
import io.kybernetes.apiserver.registry.ResourceType;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves GET /openapi/v3 (the index of group-version documents), GET /openapi/v3/{api/v1 | apis/g/v}, with
 * upstream's caching: the index links each document with ?hash=, a request with the current hash is
 * "public, immutable", a stale hash is redirected to the current one, and ETag/If-None-Match give 304s; and
 * GET /openapi/v2 (Swagger 2.0 definitions as JSON or gnostic protobuf) for kubectl's client-side fallback.
 */
@ApplicationScoped
public class OpenApiRoutes {

    private static final Logger LOG = Logger.getLogger(OpenApiRoutes.class);
    static final String GIT_VERSION = "v1.32.0";
    private static final String PREFIX = "/openapi/v3/";

    @Inject
    Instance<ResourceRegistry> registry;

    private final ObjectMapper mapper = new ObjectMapper();
    private volatile OpenApiDocuments documents;

    /** Builds the documents off the startup path so the first kubectl request does not wait for them. */
    void warm(@Observes StartupEvent event, io.vertx.core.Vertx vertx) {
        vertx.executeBlocking(() -> {
            documents();
            return swaggerDocument();
        }, false).onFailure(e -> LOG.warn("cannot build the OpenAPI documents ahead of time", e));
    }

    void routes(@Observes Router router) {
        router.get("/openapi/v3").order(-100).handler(this::index);
        router.getWithRegex("/openapi/v3/(.+)").order(-99).handler(this::document);
        router.get("/openapi/v2").order(-98).handler(this::swagger);
    }

    /** The v2 document in both encodings, built on first use: kubectl fetches it only in fallback cases. */
    private record Swagger(byte[] json, byte[] protobuf, String etag) {
    }

    private volatile Swagger swagger;

    private Swagger swaggerDocument() {
        Swagger current = swagger;
        if (current == null) {
            synchronized (this) {
                if (swagger == null) {
                    var doc = SwaggerV2.document(OpenApiSchemas.load(mapper), GIT_VERSION);
                    byte[] json = doc.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    byte[] protobuf = SwaggerV2.protobuf(doc);
                    swagger = new Swagger(json, protobuf, "\"" + OpenApiDocuments.sha512(protobuf) + "\"");
                }
                current = swagger;
            }
        }
        return current;
    }

    private void swagger(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        boolean protobuf = accept != null && accept.contains("protobuf");
        ctx.vertx().<Swagger>executeBlocking(this::swaggerDocument, false).onComplete(result -> {
            if (result.failed()) {
                fail(ctx, result.cause());
                return;
            }
            Swagger doc = result.result();
            HttpServerResponse response = ctx.response();
            response.putHeader("ETag", doc.etag()).putHeader("Cache-Control", "no-cache, private")
                    .putHeader("Vary", "Accept");
            if (doc.etag().equals(ctx.request().getHeader("If-None-Match"))) {
                response.setStatusCode(304).end();
                return;
            }
            response.putHeader("Content-Type", protobuf ? SwaggerV2.PROTOBUF : "application/json");
            response.end(Buffer.buffer(protobuf ? doc.protobuf() : doc.json()));
        });
    }

    private volatile long documentsGeneration = -1;
    private volatile OpenApiSchemas builtIn;

    /** The documents of the resources served now: rebuilt when the registry changed (custom resources). */
    private OpenApiDocuments documents() {
        long wanted = registry.isResolvable() ? registry.get().generation() : 0;
        OpenApiDocuments current = documents;
        if (current == null || documentsGeneration != wanted) {
            synchronized (this) {
                if (documents == null || documentsGeneration != wanted) {
                    List<ResourceType> served = registry.isResolvable() ? registry.get().all() : List.of();
                    if (served.isEmpty()) {
                        LOG.warn("no ResourceRegistry: the OpenAPI documents have no paths");
                    }
                    if (builtIn == null) {
                        builtIn = OpenApiSchemas.load(mapper);
                    }
                    OpenApiSchemas schemas = registry.isResolvable() ? builtIn.with(registry.get().extraSchemas())
                            : builtIn;
                    documents = new OpenApiDocuments(served, schemas, GIT_VERSION, mapper);
                    documentsGeneration = wanted;
                    LOG.infof("OpenAPI v3 documents ready for %d resources", served.size());
                }
                current = documents;
            }
        }
        return current;
    }

    private void index(RoutingContext ctx) {
        ctx.vertx().<OpenApiDocuments>executeBlocking(this::documents, false).onComplete(result -> {
            if (result.failed()) {
                fail(ctx, result.cause());
                return;
            }
            byte[] index = result.result().index();
            HttpServerResponse response = ctx.response();
            response.putHeader("Content-Type", "application/json");
            response.putHeader("Cache-Control", "no-cache, private");
            response.end(Buffer.buffer(index));
        });
    }

    private void document(RoutingContext ctx) {
        String path = ctx.normalizedPath().substring(PREFIX.length());
        ctx.vertx().<OpenApiDocuments>executeBlocking(this::documents, false).onComplete(result -> {
            if (result.failed()) {
                fail(ctx, result.cause());
                return;
            }
            Optional<OpenApiDocuments.Document> found = result.result().document(path);
            HttpServerResponse response = ctx.response();
            if (found.isEmpty()) {
                status(response, 404, "NotFound", "the server could not find the requested resource");
                return;
            }
            OpenApiDocuments.Document doc = found.get();
            String etag = "\"" + doc.hash() + "\"";
            String hash = ctx.request().getParam("hash");
            if (hash != null && !hash.equals(doc.hash())) {
                response.setStatusCode(301).putHeader("Location", PREFIX + path + "?hash=" + doc.hash())
                        .putHeader("Cache-Control", "no-cache, private").end();
                return;
            }
            response.putHeader("ETag", etag);
            if (hash != null) {
                response.putHeader("Cache-Control", "public, immutable");
                response.putHeader("Expires", DateTimeFormatter.RFC_1123_DATE_TIME
                        .format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
            } else {
                response.putHeader("Cache-Control", "no-cache, private");
            }
            if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
                response.setStatusCode(304).end();
                return;
            }
            response.putHeader("Content-Type", "application/json");
            response.end(Buffer.buffer(doc.json()));
        });
    }

    private static void fail(RoutingContext ctx, Throwable cause) {
        LOG.error("cannot build the OpenAPI documents", cause);
        status(ctx.response(), 500, "InternalError", "cannot build the OpenAPI documents");
    }

    private static void status(HttpServerResponse response, int code, String reason, String message) {
        response.setStatusCode(code).putHeader("Content-Type", "application/json").end("{\"kind\":\"Status\","
                + "\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
                + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
    }
}
