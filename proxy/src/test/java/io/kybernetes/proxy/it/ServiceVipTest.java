package io.kybernetes.proxy.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kybernetes.proxy.ProxyMain;
import io.kybernetes.proxy.iptables.ChainNames;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePortName;
import io.kybernetes.proxy.sync.ServiceWatcher;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The real thing: two "pods" (network namespaces on the test bridge kybp0, 10.246.0.0/24, each running busybox
 * httpd), a Service fed through the mock API server, the running proxy programming the VIP into iptables, and
 * TCP connections to the VIP from the host and from a third namespace. Uses only its own bridge, namespaces,
 * VIP 10.97.255.10 and chain prefix KYBT; tears everything down even on failure.
 */
@QuarkusTest
@QuarkusTestResource(value = MockApiServer.class, restrictToAnnotatedClass = true)
class ServiceVipTest {

    static final String NS = "proxy-it";
    static final String BRIDGE = "kybp0";
    static final String GATEWAY = "10.246.0.1";
    static final String VIP = "10.97.255.10";
    static final List<String> PODS = List.of("proxy-it-a", "proxy-it-b", "proxy-it-c");
    static final Map<String, String> IPS = Map.of("proxy-it-a", "10.246.0.11", "proxy-it-b", "10.246.0.12",
            "proxy-it-c", "10.246.0.13");
    static final ChainNames CHAINS = new ChainNames(MockApiServer.CHAIN_PREFIX);
    static final ServicePortName SPN = new ServicePortName(NS, "web", "", Protocol.TCP);

    static final List<Process> servers = new ArrayList<>();
    static Path www;
    static String ipForwardBefore;

    @Inject
    ServiceWatcher watcher;

    @BeforeAll
    static void network() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (netns, iptables)");
        teardownNetwork();
        www = Files.createTempDirectory("proxy-it-www-");
        run("ip", "link", "add", BRIDGE, "type", "bridge");
        run("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        run("ip", "link", "set", BRIDGE, "up");
        for (String pod : PODS) {
            String veth = "pit-" + pod.substring(pod.length() - 1);
            run("ip", "netns", "add", pod);
            run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", pod);
            run("ip", "link", "set", veth, "master", BRIDGE, "up");
            run("ip", "-n", pod, "addr", "add", IPS.get(pod) + "/24", "dev", "eth0");
            run("ip", "-n", pod, "link", "set", "eth0", "up");
            run("ip", "-n", pod, "link", "set", "lo", "up");
            run("ip", "-n", pod, "route", "add", "default", "via", GATEWAY);
            if (!pod.endsWith("-c")) {
                Path dir = Files.createDirectories(www.resolve(pod));
                Files.writeString(dir.resolve("index.html"), "pod " + pod + "\n");
                servers.add(new ProcessBuilder("ip", "netns", "exec", pod, "busybox", "httpd", "-f", "-p", "8080",
                        "-h", dir.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        }
        // Pod -> VIP -> pod is routed by the host; enable forwarding only if it is off, and restore it afterwards.
        ipForwardBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        if (!"1".equals(ipForwardBefore)) {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        }
        for (String pod : List.of("proxy-it-a", "proxy-it-b")) {
            String ip = IPS.get(pod);
            await("httpd in " + pod, Duration.ofSeconds(10), () -> ("pod " + pod).equals(tryGet(ip, 8080)));
        }
    }

    @AfterAll
    static void teardown() throws Exception {
        try {
            // Stop the proxy first so a late sync cannot re-create what the cleanup removes.
            io.quarkus.arc.Arc.container().instance(ServiceWatcher.class).get().stop();
            ProxyMain.cleanup(Map.of("kybernetes.chain-prefix", MockApiServer.CHAIN_PREFIX));
        } finally {
            teardownNetwork();
        }
    }

    @Test
    void serviceVipBalancesFollowsEndpointsAndCleansUp() throws Exception {
        var client = MockApiServer.client;
        client.services().inNamespace(NS).resource(new ServiceBuilder()
                .withNewMetadata().withNamespace(NS).withName("web").endMetadata()
                .withNewSpec().withClusterIP(VIP).withType("ClusterIP").withSelector(Map.of("app", "web"))
                .addNewPort().withPort(80).withTargetPort(new IntOrString(8080)).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        setEndpoints("proxy-it-a", "proxy-it-b");

        String svcChain = CHAINS.servicePort(SPN);
        await("service chain " + svcChain, Duration.ofSeconds(15), () -> save("nat").contains(":" + svcChain + " "));
        String nat = save("nat");
        assertTrue(nat.contains("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KYBT-SERVICES"), nat);
        assertTrue(nat.contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KYBT-SERVICES"), nat);
        assertTrue(nat.contains("-j KYBT-POSTROUTING"), nat);
        assertTrue(nat.contains("--probability 0.5"), nat);

        // From the host: both pods answer, nothing else does (an interceptor would answer a 404 page).
        Set<String> answers = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            answers.add(get(VIP, 80));
        }
        assertEquals(Set.of("pod proxy-it-a", "pod proxy-it-b"), answers);

        // From a pod (through PREROUTING and the host's routing), as pods reach services.
        Set<String> fromPod = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            // curl, not busybox wget: Debian's static busybox wget crashes inside a netns here.
            fromPod.add(run("ip", "netns", "exec", "proxy-it-c", "curl", "-sS", "-m", "3", "http://" + VIP + "/").strip());
        }
        assertEquals(Set.of("pod proxy-it-a", "pod proxy-it-b"), fromPod);

        // Scale down to one endpoint: its chain stays, the other's goes, every answer comes from it.
        setEndpoints("proxy-it-a");
        String sepB = CHAINS.endpoint(SPN, new Endpoint(IPS.get("proxy-it-b"), 8080));
        String sepA = CHAINS.endpoint(SPN, new Endpoint(IPS.get("proxy-it-a"), 8080));
        await("endpoint chain of b removed", Duration.ofSeconds(10), () -> !save("nat").contains(sepB));
        assertTrue(save("nat").contains(":" + sepA + " "));
        for (int i = 0; i < 8; i++) {
            assertEquals("pod proxy-it-a", get(VIP, 80));
        }

        // No endpoints: the VIP is rejected at once instead of timing out.
        setEndpoints();
        await("REJECT for a service without endpoints", Duration.ofSeconds(10),
                () -> save("filter").contains(VIP + "/32") && save("filter").contains("has no endpoints"));
        assertFalse(save("nat").contains(svcChain), "no service chain without endpoints");
        assertThrows(ConnectException.class, () -> get(VIP, 80));

        // Service deleted: its chains and rules go away.
        setEndpoints("proxy-it-b");
        await("service chain back", Duration.ofSeconds(10), () -> save("nat").contains(":" + svcChain + " "));
        assertEquals("pod proxy-it-b", get(VIP, 80));
        client.services().inNamespace(NS).withName("web").delete();
        client.endpoints().inNamespace(NS).withName("web").delete();
        await("chains of the deleted service removed", Duration.ofSeconds(10),
                () -> !save("nat").contains("KYBT-SVC-") && !save("nat").contains("KYBT-SEP-")
                        && !save("filter").contains(VIP));
        assertTrue(save("nat").contains(":KYBT-SERVICES "), "the base chains stay");

        // Health and metrics.
        given().get("/healthz").then().statusCode(200).body(containsString("proxy-rules-sync"));
        given().get("/readyz").then().statusCode(200);
        given().get("/metrics").then().statusCode(200)
                .body(containsString("kubeproxy_sync_proxy_rules_duration_seconds_count"));

        // --cleanup removes every chain and jump rule of ours, and is idempotent.
        watcher.stop();
        assertEquals(0, ProxyMain.cleanup(Map.of("kybernetes.chain-prefix", MockApiServer.CHAIN_PREFIX)));
        assertEquals(0, ProxyMain.cleanup(Map.of("kybernetes.chain-prefix", MockApiServer.CHAIN_PREFIX)));
        String all = run("iptables-save");
        assertFalse(all.contains("KYBT"), all);
    }

    static void setEndpoints(String... pods) {
        EndpointsBuilder b = new EndpointsBuilder().withNewMetadata().withNamespace(NS).withName("web").endMetadata();
        if (pods.length > 0) {
            var subset = b.addNewSubset();
            for (String pod : pods) {
                subset.addNewAddress().withIp(IPS.get(pod)).endAddress();
            }
            subset.addNewPort().withPort(8080).withProtocol("TCP").endPort().endSubset();
        }
        Endpoints eps = b.build();
        MockApiServer.client.endpoints().inNamespace(NS).resource(eps).createOr(NonDeletingOperation::update);
    }

    /** One HTTP/1.0 request on a fresh connection (so every request is balanced anew); the body, stripped. */
    static String get(String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 3000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + ip + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? response : response.substring(body + 4).strip();
        }
    }

    static String tryGet(String ip, int port) {
        try {
            return get(ip, port);
        } catch (IOException e) {
            return "";
        }
    }

    static String save(String table) {
        try {
            return run("iptables-save", "-t", table);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            // teardown of something that is not there
        }
    }

    static void teardownNetwork() throws IOException {
        for (Process p : servers) {
            p.destroy();
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
        for (String pod : PODS) {
            // httpd runs under "ip netns exec": kill whatever is left in the namespace before deleting it.
            quietly("ip", "netns", "pids", pod);
            try {
                for (String pid : run("ip", "netns", "pids", pod).split("\\s+")) {
                    if (!pid.isBlank()) {
                        quietly("kill", pid.strip());
                    }
                }
            } catch (IOException e) {
                // namespace absent
            }
            quietly("ip", "netns", "del", pod);
            quietly("ip", "link", "del", "pit-" + pod.substring(pod.length() - 1));
        }
        quietly("ip", "link", "del", BRIDGE);
        if (ipForwardBefore != null && !"1".equals(ipForwardBefore)) {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), ipForwardBefore);
            ipForwardBefore = null;
        }
        if (www != null) {
            try (var walk = Files.walk(www)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            www = null;
        }
    }
}
