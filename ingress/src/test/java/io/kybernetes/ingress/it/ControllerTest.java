package io.kybernetes.ingress.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kybernetes.ingress.model.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import static io.restassured.RestAssured.given;

/**
 * The whole controller (informers, debounced sync, nginx, status) against fabric8's mock API server: objects created
 * through the API become routes of the real nginx, a change is picked up, and the Ingress gets the status address.
 */
@QuarkusTest
@QuarkusTestResource(value = MockCluster.class, restrictToAnnotatedClass = true)
class ControllerTest {

    private static HttpServer backend;

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.stop(0);
        }
    }

    private static String curl(String host, String path) {
        try {
            Process p = new ProcessBuilder("curl", "-s", "-m", "5", "-H", "Host: " + host, "-w", " [%{http_code}]",
                    "http://127.0.0.1:" + MockCluster.httpPort + path).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.trim();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static <T> T eventually(Supplier<T> value, Predicate<T> ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        T last = value.get();
        while (!ok.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = value.get();
        }
        return last;
    }

    @Test
    void apiObjectsBecomeRoutesAndStatus() throws Exception {
        assumeTrue(MockCluster.nginxFound, "no nginx binary");
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", ex -> {
            byte[] body = ("web " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        var client = MockCluster.client;
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(Fixtures.NS).endMetadata().build()).create();
        client.resource(Fixtures.nginxClass(true)).create();
        client.resource(new ServiceBuilder().withNewMetadata().withNamespace(Fixtures.NS).withName("web")
                .endMetadata().withNewSpec().withClusterIP("10.96.1.1").addNewPort().withName("http").withPort(80)
                .endPort().endSpec().build()).create();
        client.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace(Fixtures.NS).withName("web-1")
                .withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(backend.getAddress().getPort()).endPort().addNewEndpoint()
                .withAddresses("127.0.0.1").endEndpoint().build()).create();
        Ingress ing = Fixtures.ingress("shop", 1, Fixtures.rule("a.example", Fixtures.path("Prefix", "/p1", "web")))
                .editSpec().withIngressClassName(null).endSpec().build();
        ing.getMetadata().setCreationTimestamp(null);
        client.resource(ing).create();

        assertEquals("web /p1/x [200]", eventually(() -> curl("a.example", "/p1/x"), b -> b.startsWith("web")));
        assertTrue(curl("a.example", "/p2").endsWith("[404]"));

        // The controller writes the Ingress status concurrently, so the edit retries on 409 as any client must.
        for (int attempt = 0;; attempt++) {
            try {
                client.network().v1().ingresses().inNamespace(Fixtures.NS).withName("shop").edit(i -> {
                    i.getSpec().getRules().get(0).getHttp().getPaths().add(Fixtures.path("Exact", "/p2", "web"));
                    return i;
                });
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
        assertEquals("web /p2 [200]", eventually(() -> curl("a.example", "/p2"), b -> b.startsWith("web")));

        String ip = eventually(() -> {
            Ingress now = client.network().v1().ingresses().inNamespace(Fixtures.NS).withName("shop").get();
            var lb = now.getStatus() == null || now.getStatus().getLoadBalancer() == null ? null
                    : now.getStatus().getLoadBalancer().getIngress();
            return lb == null || lb.isEmpty() ? "" : lb.get(0).getIp();
        }, "192.0.2.99"::equals);
        assertEquals("192.0.2.99", ip);

        given().when().get("/readyz").then().statusCode(200);
        String metrics = given().when().get("/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("nginx_ingress_controller_config_last_reload_successful 1.0"), metrics);
        assertTrue(List.of(metrics.split("\n")).stream()
                .anyMatch(l -> l.startsWith("nginx_ingress_controller_success_total") && !l.endsWith(" 0.0")), metrics);
    }
}
