package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static io.kybernetes.e2e.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 9, Done-when 3: the Ingress add-on (ingress-nginx/ingress-nginx-controller, a real nginx on the node's ports
 * 80 and 443) routes requests by host and path to two Services, answers 404 for unknown hosts and paths, serves
 * HTTPS with a Secret's certificate (SNI) and redirects HTTP to it, and picks up a changed Ingress.
 * Requests go to the node's IP as a user's would, with curl.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("node")
class IngressTest {

    private static final String NS = "ingtest";
    private static Path dir;
    private static String nodeIp;

    /** A busybox httpd Deployment and Service {@code name} whose files (path=body) are given. */
    private static String backend(String name, String... files) {
        StringBuilder mk = new StringBuilder("mkdir -p /www");
        for (String f : files) {
            String[] kv = f.split("=", 2);
            mk.append(" && echo ").append(kv[1]).append(" > /www/").append(kv[0]);
        }
        mk.append(" && exec httpd -f -p 8080 -h /www");
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: httpd
                        image: busybox
                        command: [sh, -c, "%2$s"]
                        ports: [{containerPort: 8080}]
                        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  selector: {app: %1$s}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                """.formatted(name, mk);
    }

    private static final String INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: routes}
            spec:
              ingressClassName: nginx
              tls:
              - hosts: [a.example]
                secretName: a-tls
              rules:
              - host: a.example
                http:
                  paths:
                  - {path: /p1, pathType: Prefix, backend: {service: {name: web1, port: {number: 80}}}}
                  - {path: /p2, pathType: Prefix, backend: {service: {name: web2, port: {number: 80}}}}
              - host: b.example
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web2, port: {number: 80}}}}
                  - {path: /exact, pathType: Exact, backend: {service: {name: web1, port: {number: 80}}}}
            """;

    @BeforeAll
    static void deploy() throws IOException {
        dir = Files.createTempDirectory("e2e-ingress");
        kubectl(Duration.ofSeconds(200), "-n", "ingress-nginx", "rollout", "status",
                "deployment/ingress-nginx-controller", "--timeout=180s").ok();
        nodeIp = kubectl("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")
                .ok().out().trim();
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        Path workloads = dir.resolve("backends.yaml");
        Files.writeString(workloads, backend("web1", "p1=web1-p1", "exact=web1-exact", "p3=web1-p3")
                + backend("web2", "p2=web2-p2", "p1=web2-p1", "index.html=web2-root", "p1x=web2-p1x"));
        kubectl("-n", NS, "apply", "-f", workloads.toString()).ok();
        run(Duration.ofSeconds(30), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=a.example", "-addext", "subjectAltName=DNS:a.example",
                "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.crt").toString()).ok();
        kubectl("-n", NS, "create", "secret", "tls", "a-tls", "--cert=" + dir.resolve("tls.crt"),
                "--key=" + dir.resolve("tls.key")).ok();
        Path ing = dir.resolve("ingress.yaml");
        Files.writeString(ing, INGRESS);
        kubectl("-n", NS, "apply", "-f", ing.toString()).ok();
        for (String d : List.of("web1", "web2")) {
            kubectl(Duration.ofSeconds(150), "-n", NS, "rollout", "status", "deployment/" + d, "--timeout=120s").ok();
        }
        // routed once both backends answer through the controller
        eventually(Duration.ofSeconds(60), () -> https("a.example", "/p2"), b -> b.equals("web2-p2"));
        eventually(Duration.ofSeconds(30), () -> get("b.example", "/exact"), b -> b.equals("web1-exact"));
    }

    @AfterAll
    static void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    /** curl http://<node-ip><path> with a Host header; the body, or "HTTP <code>" when it is no 2xx. */
    private static String get(String host, String path) {
        Cli.Result r = run(Duration.ofSeconds(15), "curl", "-s", "-m", "5", "-H", "Host: " + host,
                "-w", "\n%{http_code}", "http://" + nodeIp + path);
        return bodyOrCode(r);
    }

    private static String bodyOrCode(Cli.Result r) {
        List<String> lines = new ArrayList<>(r.out().lines().toList());
        if (lines.isEmpty()) {
            return "curl exit " + r.exit() + ": " + r.err();
        }
        String code = lines.remove(lines.size() - 1);
        return code.startsWith("2") ? String.join("\n", lines).trim() : "HTTP " + code + " " + String.join(" ", lines);
    }

    @ParameterizedTest(name = "Host {0} {1} -> {2}")
    @CsvSource({
            "a.example, /p1, web1-p1",
            "a.example, /p2, web2-p2",
            "b.example, /p1, web2-p1",
            "b.example, /, web2-root",
            "b.example, /exact, web1-exact",
            "b.example, /p1x, web2-p1x"})
    @Order(1)
    void hostsAndPathsRouteToTheirServices(String host, String path, String want) {
        // a.example is a TLS host: its plain HTTP is redirected, so ask it over HTTPS
        String got = host.equals("a.example") ? https(host, path) : get(host, path);
        assertEquals(want, got);
    }

    @ParameterizedTest(name = "Host {0} {1} -> 404")
    @CsvSource({"unknown.example, /p1", "b.example.other, /", "a.example, /p1x", "a.example, /"})
    @Order(2)
    void unknownHostsAndPathsGet404(String host, String path) {
        String got = host.equals("a.example") ? https(host, path) : get(host, path);
        assertTrue(got.startsWith("HTTP 404") && got.contains("nginx"), got);
    }

    private static String https(String host, String path) {
        Cli.Result r = run(Duration.ofSeconds(15), "curl", "-s", "-m", "5", "--resolve", host + ":443:" + nodeIp,
                "--cacert", dir.resolve("tls.crt").toString(), "-w", "\n%{http_code}", "https://" + host + path);
        return bodyOrCode(r);
    }

    @Test
    @Order(3)
    void httpsServesTheSecretsCertificateBySni() {
        Cli.Result r = run(Duration.ofSeconds(15), "curl", "-sv", "-m", "5", "--resolve", "a.example:443:" + nodeIp,
                "--cacert", dir.resolve("tls.crt").toString(), "https://a.example/p1");
        assertEquals(0, r.exit(), r.err());
        assertEquals("web1-p1", r.out().trim());
        assertTrue(r.err().contains("CN=a.example"), r.err());
    }

    @Test
    @Order(3)
    void plainHttpToATlsHostIsRedirectedWith308() {
        Cli.Result r = run(Duration.ofSeconds(15), "curl", "-s", "-m", "5", "-o", "/dev/null", "-H", "Host: a.example",
                "-w", "%{http_code} %{redirect_url}", "http://" + nodeIp + "/p1?q=1");
        assertEquals("308 https://a.example/p1?q=1", r.out().trim());
    }

    @Test
    @Order(3)
    void anUnknownNameGetsNoCertificate() {
        Cli.Result r = run(Duration.ofSeconds(15), "curl", "-s", "-m", "5", "--resolve", "c.example:443:" + nodeIp,
                "-k", "https://c.example/");
        assertTrue(r.exit() != 0, "the handshake should be refused: " + r.out());
    }

    @Test
    @Order(3)
    void statusCarriesTheNodeIp() {
        eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "get", "ingress", "routes", "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}").out().trim(), ip -> ip.equals(nodeIp));
        String row = kubectl("-n", NS, "get", "ingress", "routes", "--no-headers").ok().out();
        assertTrue(row.contains("nginx") && row.contains(nodeIp) && row.contains("80, 443"), row);
    }

    @Test
    @Order(4)
    void aChangedIngressIsPickedUp() {
        assertTrue(get("b.example", "/p3").startsWith("HTTP 404"));
        long t0 = System.nanoTime();
        kubectl("-n", NS, "patch", "ingress", "routes", "--type=json", "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/rules/1/http/paths/-\",\"value\":{\"path\":\"/p3\","
                        + "\"pathType\":\"Exact\",\"backend\":{\"service\":{\"name\":\"web1\",\"port\":{\"number\":80}}}}}]")
                .ok();
        eventually(Duration.ofSeconds(30), () -> get("b.example", "/p3"), b -> b.equals("web1-p3"));
        System.out.printf("IngressTest: a changed Ingress was served after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        kubectl("-n", NS, "delete", "ingress", "routes").ok();
        eventually(Duration.ofSeconds(30), () -> get("b.example", "/"), b -> b.startsWith("HTTP 404"));
    }
}
