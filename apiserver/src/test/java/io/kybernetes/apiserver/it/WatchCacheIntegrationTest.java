package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The watch cache seen from clients, on a real etcd 3.4 (the test profile keeps a window of 64 changes): watches of
 * one resource in several namespaces see exactly their own changes, in order, with the resourceVersion of each; a
 * watch resuming inside the window and one resuming before it (served by a store watch of its own) both get every
 * change after their resourceVersion exactly once; label-selector transitions and deletions are as upstream.
 */
@QuarkusTest
@Timeout(120)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class WatchCacheIntegrationTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    /** A chunked watch whose events are queued as they arrive. */
    final class Stream1 implements AutoCloseable {
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final CompletableFuture<HttpResponse<Stream<String>>> response;

        Stream1(String path) {
            response = http.sendAsync(HttpRequest.newBuilder(URI.create(server() + path)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(r -> new Thread(() -> r.body().forEach(l -> events.add(parse(l)))).start());
        }

        JsonNode next() throws InterruptedException {
            JsonNode e = events.poll(20, TimeUnit.SECONDS);
            assertNotNull(e, "no watch event within 20 s");
            return e;
        }

        /** The next {@code n} events as "TYPE name resourceVersion". */
        List<String> next(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(describe(next()));
            }
            return out;
        }

        @Override
        public void close() {
            response.thenAccept(r -> r.body().close());
            response.cancel(true);
        }
    }

    static JsonNode parse(String line) {
        try {
            return Json.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String describe(JsonNode e) {
        return e.path("type").asText() + " " + e.at("/object/metadata/name").asText() + " "
                + e.at("/object/metadata/resourceVersion").asText();
    }

    String server() {
        return "http://127.0.0.1:" + base.getPort();
    }

    JsonNode ok(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, () -> method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
    }

    String create(String ns, String name, String label) throws Exception {
        return ok("POST", "/api/v1/namespaces/" + ns + "/configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"tier\":\"" + label + "\"}},\"data\":{}}")
                .at("/metadata/resourceVersion").asText();
    }

    @Test
    void watchesOfSeveralNamespacesAndResumesInsideAndBeforeTheWindow() throws Exception {
        for (String ns : List.of("wc-a", "wc-b")) {
            ok("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                    + ns + "\"}}");
        }
        String rv0 = ok("GET", "/api/v1/namespaces/wc-a/configmaps", null).at("/metadata/resourceVersion").asText();
        try (Stream1 all = new Stream1("/api/v1/configmaps?watch=true&resourceVersion=" + rv0);
                Stream1 a = new Stream1("/api/v1/namespaces/wc-a/configmaps?watch=true&resourceVersion=" + rv0)) {
            List<String> expectA = new ArrayList<>();
            List<String> expectAll = new ArrayList<>();
            List<String> rvs = new ArrayList<>();
            // 100 changes: more than the window of 64
            for (int i = 0; i < 100; i++) {
                String ns = i % 4 == 0 ? "wc-b" : "wc-a";
                String rv = create(ns, "c" + i, "front");
                rvs.add(rv);
                expectAll.add("ADDED c" + i + " " + rv);
                if (ns.equals("wc-a")) {
                    expectA.add("ADDED c" + i + " " + rv);
                }
            }
            assertEquals(expectAll, all.next(100));
            assertEquals(expectA, a.next(expectA.size()));

            // resumes: inside the window (after the 80th change) and before it (after the 10th)
            try (Stream1 recent = new Stream1("/api/v1/configmaps?watch=true&resourceVersion=" + rvs.get(79));
                    Stream1 old = new Stream1("/api/v1/configmaps?watch=true&resourceVersion=" + rvs.get(9))) {
                assertEquals(expectAll.subList(80, 100), recent.next(20));
                assertEquals(expectAll.subList(10, 100), old.next(90));
                assertNull(recent.events.poll(300, TimeUnit.MILLISECONDS), "no duplicates");
            }

            // a label selector: an object that stops matching is DELETED for that watch, one that starts is ADDED
            try (Stream1 front = new Stream1("/api/v1/namespaces/wc-a/configmaps?watch=true&labelSelector=tier%3Dfront"
                    + "&resourceVersion=" + rvs.get(99))) {
                String rv1 = ok("PATCH", "/api/v1/namespaces/wc-a/configmaps/c1",
                        "{\"metadata\":{\"labels\":{\"tier\":\"back\"}}}").at("/metadata/resourceVersion").asText();
                assertEquals("DELETED c1 " + rv1, describe(front.next()));
                String rv2 = create("wc-a", "late", "front");
                assertEquals("ADDED late " + rv2, describe(front.next()));
                JsonNode deleted = ok("DELETE", "/api/v1/namespaces/wc-a/configmaps/late", null);
                JsonNode e = front.next();
                assertEquals("DELETED late", e.path("type").asText() + " " + e.at("/object/metadata/name").asText());
                // a deletion's event carries the deletion's revision, newer than the object's last write
                assertTrue(Long.parseLong(e.at("/object/metadata/resourceVersion").asText()) > Long.parseLong(rv2),
                        e::toString);
                assertNotNull(deleted);
            }
            // the all-namespaces watch saw them too, in the same order
            List<String> tail = all.next(3);
            assertTrue(tail.get(0).startsWith("MODIFIED c1 "), tail::toString);
            assertTrue(tail.get(1).startsWith("ADDED late "), tail::toString);
            assertTrue(tail.get(2).startsWith("DELETED late "), tail::toString);
        }
    }
}
