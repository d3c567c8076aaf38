package io.kybernetes.ingress.nginx;

import static io.kybernetes.ingress.model.Fixtures.NS;
import static io.kybernetes.ingress.model.Fixtures.ingress;
import static io.kybernetes.ingress.model.Fixtures.path;
import static io.kybernetes.ingress.model.Fixtures.rule;
import static io.kybernetes.ingress.model.Fixtures.tls;
import static io.kybernetes.ingress.model.Fixtures.tlsSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kybernetes.ingress.model.Fixtures;
import io.kybernetes.ingress.model.ProxyConfig;

/**
 * The real nginx on scratch ports under /tmp/ingress-it-*: the rendered configuration passes {@code nginx -t},
 * routes by host and path to two loopback backends, serves TLS with SNI, and a configuration nginx refuses leaves
 * the last good one serving. The nginx binary comes from {@link NginxBinary}; without one the test is skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxTest {

    private static Path dir;
    private static Nginx nginx;
    private static NginxConfRenderer renderer;
    private static int http;
    private static int https;
    private static final List<HttpServer> backends = new ArrayList<>();
    private static int port1;
    private static int port2;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int backend(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            byte[] body = (name + " " + ex.getRequestURI().getPath() + " host=" + ex.getRequestHeaders().getFirst("Host")
                    + " proto=" + ex.getRequestHeaders().getFirst("X-Forwarded-Proto")).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        backends.add(s);
        return s.getAddress().getPort();
    }

    @BeforeAll
    static void start() throws Exception {
        Path bin = NginxBinary.find();
        Assumptions.assumeTrue(bin != null, "no nginx binary (set NGINX_BIN, or run images/build.sh once)");
        dir = Files.createTempDirectory("ingress-it-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        http = freePort();
        https = freePort();
        port1 = backend("one");
        port2 = backend("two");
        renderer = new NginxConfRenderer(new NginxConfRenderer.Settings(dir, http, https, 1));
        nginx = new Nginx(bin, dir);
        nginx.start(renderer.render(Fixtures.build()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (nginx != null) {
            nginx.stop();
        }
        backends.forEach(s -> s.stop(0));
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A Service whose one ready endpoint is 127.0.0.1:port. */
    private static HasMetadata[] loopbackService(String name, int port) {
        return new HasMetadata[] {
                new ServiceBuilder().withNewMetadata().withNamespace(NS).withName(name).endMetadata().withNewSpec()
                        .withClusterIP("10.96.9.9").addNewPort().withName("http").withPort(80).endPort().endSpec()
                        .build(),
                new EndpointSliceBuilder().withNewMetadata().withNamespace(NS).withName(name + "-x")
                        .withLabels(Map.of("kubernetes.io/service-name", name)).endMetadata().withAddressType("IPv4")
                        .addNewPort().withName("http").withPort(port).endPort().addNewEndpoint()
                        .withAddresses("127.0.0.1").endEndpoint().build()};
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-m", "5", "-w", " [%{http_code}]"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.trim();
    }

    private static String get(String host, String path) throws Exception {
        return curl("-H", "Host: " + host, "http://127.0.0.1:" + http + path);
    }

    /** a.example /p1 -> one, /p2 -> two; b.example / -> two; a.example on TLS with {@code secret} when given. */
    private static ProxyConfig routes(Secret secret) {
        List<HasMetadata> all = new ArrayList<>(List.of(loopbackService("one", port1)));
        all.addAll(List.of(loopbackService("two", port2)));
        var ing = ingress("i", 1, rule("a.example", path("Prefix", "/p1", "one"), path("Prefix", "/p2", "two")),
                rule("b.example", path("Prefix", "/", "two")));
        if (secret != null) {
            all.add(secret);
            ing.editSpec().withTls(tls(secret.getMetadata().getName(), "a.example")).endSpec();
        }
        all.add(ing.build());
        return Fixtures.build(all.toArray(HasMetadata[]::new));
    }

    @Test
    @Order(1)
    void routesByHostAndPath() throws Exception {
        ProxyConfig pc = routes(null);
        Nginx.Outcome o = nginx.apply(renderer.render(pc), pc.certificates());
        assertTrue(o.applied() && o.changed(), String.valueOf(o.error()));
        String body = waitFor("a.example", "/p1/x", "one ");
        assertEquals("one /p1/x host=a.example proto=http [200]", body);
        assertEquals("one /p1 host=a.example proto=http [200]", get("a.example", "/p1"));
        assertEquals("two /p2 host=a.example proto=http [200]", get("a.example", "/p2"));
        assertEquals("two /p1 host=b.example proto=http [200]", get("b.example", "/p1"));
        assertTrue(get("a.example", "/p1x").endsWith("[404]"));
        assertTrue(get("unknown.example", "/p1").endsWith("[404]"));
    }

    @Test
    @Order(2)
    void anUnchangedConfigIsNotReloaded() {
        ProxyConfig pc = routes(null);
        Nginx.Outcome o = nginx.apply(renderer.render(pc), pc.certificates());
        assertTrue(o.applied());
        assertFalse(o.changed());
    }

    @Test
    @Order(3)
    void aRefusedConfigKeepsTheLastGoodOne() throws Exception {
        String before = Files.readString(nginx.conf());
        // looks like PEM, but nginx cannot load it
        ProxyConfig pc = routes(tlsSecret("bad", Fixtures.CRT, Fixtures.KEY));
        Nginx.Outcome o = nginx.apply(renderer.render(pc), pc.certificates());
        assertFalse(o.applied());
        assertNotNull(o.error());
        assertTrue(o.error().contains("PEM") || o.error().contains("certificate"), o.error());
        assertEquals(before, Files.readString(nginx.conf()));
        assertEquals("one /p1 host=a.example proto=http [200]", get("a.example", "/p1"));
    }

    @Test
    @Order(4)
    void servesTlsBySniAndRedirectsPlainHttp() throws Exception {
        Path crt = dir.resolve("a.crt");
        Path key = dir.resolve("a.key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=a.example", "-addext", "subjectAltName=DNS:a.example", "-keyout", key.toString(),
                "-out", crt.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        ProxyConfig pc = routes(tlsSecret("a-tls", Files.readString(crt), Files.readString(key)));
        Nginx.Outcome o = nginx.apply(renderer.render(pc), pc.certificates());
        assertTrue(o.applied(), String.valueOf(o.error()));
        String url = "https://a.example:" + https + "/p1";
        String body = "";
        for (int i = 0; i < 50 && !body.startsWith("one"); i++) {
            Thread.sleep(100);
            body = curl("--resolve", "a.example:" + https + ":127.0.0.1", "--cacert", crt.toString(), url);
        }
        assertEquals("one /p1 host=a.example proto=https [200]", body);
        Process r = new ProcessBuilder("curl", "-s", "-m", "5", "-o", "/dev/null", "-H", "Host: a.example", "-w",
                "%{http_code} %{redirect_url}", "http://127.0.0.1:" + http + "/p1?x=1").start();
        assertEquals("308 https://a.example/p1?x=1",
                new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        // b.example has no certificate: its HTTP is served as is, and no certificate is offered for it
        assertEquals("two /x host=b.example proto=http [200]", get("b.example", "/x"));
        String refused = curl("--resolve", "b.example:" + https + ":127.0.0.1", "-k", "https://b.example:" + https + "/");
        assertTrue(refused.endsWith("[000]"), refused);
    }

    @Test
    @Order(5)
    void reloadLatencyOfAThousandHosts() throws Exception {
        List<HasMetadata> all = new ArrayList<>(List.of(loopbackService("one", port1)));
        for (int i = 0; i < 1000; i++) {
            all.add(ingress("i" + i, 1, rule("h" + i + ".example", path("Prefix", "/a", "one"),
                    path("Exact", "/b", "one"))).build());
        }
        HasMetadata[] objects = all.toArray(HasMetadata[]::new);
        long t0 = System.nanoTime();
        ProxyConfig pc = Fixtures.build(objects);
        String text = renderer.render(pc);
        long t1 = System.nanoTime();
        Nginx.Outcome o = nginx.apply(text, pc.certificates());
        long t2 = System.nanoTime();
        assertTrue(o.applied() && o.changed(), String.valueOf(o.error()));
        String body = waitFor("h999.example", "/a", "one ");
        long t3 = System.nanoTime();
        assertEquals("one /a host=h999.example proto=http [200]", body);
        System.out.printf("NginxTest: 1000 hosts (3000 locations, %d bytes): build+render %d ms, nginx -t + reload %d ms,"
                + " served after %d ms%n", text.length(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                (t3 - t0) / 1_000_000);
    }

    private static String waitFor(String host, String path, String prefix) throws Exception {
        String body = "";
        for (int i = 0; i < 50 && !body.startsWith(prefix); i++) {
            body = get(host, path);
            if (!body.startsWith(prefix)) {
                Thread.sleep(100);
            }
        }
        return body;
    }
}
