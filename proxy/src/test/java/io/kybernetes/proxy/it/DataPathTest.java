package io.kybernetes.proxy.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kybernetes.proxy.ProxyMain;
import io.kybernetes.proxy.service.ServiceTable;
import io.kybernetes.proxy.sync.ServiceWatcher;
import jakarta.inject.Inject;

/**
 * The real data path, the same cases for every proxy mode (a subclass per mode): pods in network namespaces behind
 * a scratch node namespace ({@link Netns}), Services and EndpointSlices fed through the mock API server, the running
 * proxy programming the node namespace, and clients reaching the pods through cluster IPs and node ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DataPathTest {

    static final String NS = "proxy-it";
    static final String WEB_VIP = "10.97.255.10";
    static final String STICKY_VIP = "10.97.255.11";
    static final String LOCAL_VIP = "10.97.255.12";
    static final int HEALTH_CHECK_PORT = 31981;
    static final Set<String> BOTH = Set.of("pod a", "pod b");

    @Inject
    ServiceWatcher watcher;

    /** The mode's rules in the node namespace, as text. */
    abstract String dumpRules();

    abstract String mode();

    @BeforeAll
    static void network() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (netns, iptables, nft)");
        Netns.up();
    }

    @AfterAll
    static void teardown() throws Exception {
        try {
            io.quarkus.arc.Arc.container().instance(ServiceWatcher.class).get().stop();
        } finally {
            Netns.down();
        }
    }

    @Test
    @Order(1)
    void clusterIpAndNodePortTcpAndUdpFollowEndpointChanges() throws Exception {
        createService(new ServiceBuilder().withNewMetadata().withNamespace(NS).withName("web").endMetadata()
                .withNewSpec().withType("NodePort").withClusterIP(WEB_VIP)
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).withNodePort(30080)
                .withProtocol("TCP").endPort()
                .addNewPort().withName("dns").withPort(53).withTargetPort(new IntOrString(5353)).withNodePort(30053)
                .withProtocol("UDP").endPort()
                .endSpec().build());
        setSlice("web", Map.of(Netns.A, Netns.NODE, Netns.B, "other-node"));

        Netns.await("cluster IP answers", Duration.ofSeconds(20),
                () -> Netns.httpGet(Netns.C, WEB_VIP, 80, 1).stream().anyMatch(BOTH::contains));
        assertEquals(BOTH, distinct(Netns.httpGet(Netns.C, WEB_VIP, 80, 20)), "TCP cluster IP from a pod");
        assertEquals(BOTH, distinct(Netns.httpGet(Netns.NODE, WEB_VIP, 80, 20)), "TCP cluster IP from the node itself");
        assertEquals(BOTH, distinct(Netns.httpGet(Netns.C, Netns.NODE_IP, 30080, 20)), "TCP node port from a pod");
        assertEquals(BOTH, distinct(Netns.httpGet(Netns.X, Netns.NODE_OUTSIDE_IP, 30080, 20)), "TCP node port from outside");
        assertEquals(BOTH, distinct(Netns.udp(Netns.C, WEB_VIP, 53, 20)), "UDP cluster IP from a pod");
        assertEquals(BOTH, distinct(Netns.udp(Netns.X, Netns.NODE_OUTSIDE_IP, 30053, 20)), "UDP node port from outside");

        // One endpoint left (a partial sync): every answer from it, TCP and UDP.
        setSlice("web", Map.of(Netns.A, Netns.NODE));
        Netns.await("b gone", Duration.ofSeconds(10),
                () -> distinct(Netns.httpGet(Netns.C, WEB_VIP, 80, 6)).equals(Set.of("pod a")));
        assertEquals(Set.of("pod a"), distinct(Netns.httpGet(Netns.C, WEB_VIP, 80, 10)));
        assertEquals(Set.of("pod a"), distinct(Netns.udp(Netns.C, WEB_VIP, 53, 10)));

        // No endpoints: REJECT, the client learns at once.
        setSlice("web", Map.of());
        Netns.await("REJECT", Duration.ofSeconds(10), () -> refused(Netns.curlError(Netns.C, WEB_VIP, 80)));
        String nodePort = Netns.curlError(Netns.X, Netns.NODE_OUTSIDE_IP, 30080);
        assertTrue(refused(nodePort), nodePort);

        // Deleted: nothing of the Service is left in the rules.
        MockApiServer.client.services().inNamespace(NS).withName("web").delete();
        MockApiServer.client.discovery().v1().endpointSlices().inNamespace(NS).withName("web-1").delete();
        Netns.await("rules of the deleted service removed", Duration.ofSeconds(10),
                () -> !dumpRules().contains(WEB_VIP) && !dumpRules().contains("30080") && !dumpRules().contains("proxy-it/web"));
    }

    @Test
    @Order(2)
    void sessionAffinityClientIpKeepsAClientOnOneEndpoint() throws Exception {
        createService(new ServiceBuilder().withNewMetadata().withNamespace(NS).withName("sticky").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(STICKY_VIP).withSessionAffinity("ClientIP")
                .withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(300).endClientIP().endSessionAffinityConfig()
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                .endSpec().build());
        setSlice("sticky", Map.of(Netns.A, Netns.NODE, Netns.B, Netns.NODE));
        Netns.await("sticky cluster IP answers", Duration.ofSeconds(20),
                () -> Netns.httpGet(Netns.C, STICKY_VIP, 80, 1).stream().anyMatch(BOTH::contains));
        List<String> answers = Netns.httpGet(Netns.C, STICKY_VIP, 80, 100);
        assertEquals(100, answers.size(), answers.toString());
        assertEquals(1, distinct(answers).size(), "100 requests of one client hit one pod: " + distinct(answers));
        assertTrue(BOTH.containsAll(answers), answers.toString());
    }

    @Test
    @Order(3)
    void externalTrafficPolicyLocalUsesOnlyLocalEndpointsAndReportsHealth() throws Exception {
        createService(new ServiceBuilder().withNewMetadata().withNamespace(NS).withName("local").endMetadata()
                .withNewSpec().withType("NodePort").withClusterIP(LOCAL_VIP).withExternalTrafficPolicy("Local")
                .withHealthCheckNodePort(HEALTH_CHECK_PORT)
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).withNodePort(30081).endPort()
                .endSpec().build());
        // a runs on this node, b on another one
        setSlice("local", Map.of(Netns.A, Netns.NODE, Netns.B, "other-node"));
        Netns.await("node port answers", Duration.ofSeconds(20),
                () -> Netns.httpGet(Netns.X, Netns.NODE_OUTSIDE_IP, 30081, 1).contains("pod a"));
        assertEquals(Set.of("pod a"), distinct(Netns.httpGet(Netns.X, Netns.NODE_OUTSIDE_IP, 30081, 20)),
                "external traffic stays on this node's endpoint");
        assertEquals(BOTH, distinct(Netns.httpGet(Netns.C, LOCAL_VIP, 80, 20)), "cluster IP traffic uses every endpoint");
        given().baseUri("http://127.0.0.1").port(HEALTH_CHECK_PORT).get("/healthz").then().statusCode(200)
                .body(containsString("\"localEndpoints\":1"), containsString("\"name\":\"local\""));

        // No local endpoint: external traffic is dropped (not sent elsewhere), the health check says 503.
        setSlice("local", Map.of(Netns.B, "other-node"));
        Netns.await("health check 503", Duration.ofSeconds(10), () -> given().baseUri("http://127.0.0.1")
                .port(HEALTH_CHECK_PORT).get("/").statusCode() == 503);
        String err = Netns.curlError(Netns.X, Netns.NODE_OUTSIDE_IP, 30081);
        assertTrue(err.contains("timed out") || err.contains("Timeout"), "dropped, not answered: " + err);
        assertEquals(Set.of("pod b"), distinct(Netns.httpGet(Netns.C, LOCAL_VIP, 80, 5)));
    }

    @Test
    @Order(4)
    void healthzAndMetrics() {
        given().get("/healthz").then().statusCode(200)
                .body(matchesPattern("\\{\"lastUpdated\":\"20[^\"]+\",\"currentTime\":\"20[^\"]+\",\"nodeEligible\":true\\}"));
        given().get("/livez").then().statusCode(200);
        given().get("/proxyMode").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(mode()));
        given().get("/readyz").then().statusCode(200);
        given().get("/metrics").then().statusCode(200)
                .body(containsString("kubeproxy_sync_proxy_rules_duration_seconds_count"));
    }

    @Test
    @Order(99)
    void cleanupRemovesEverything() {
        watcher.stop();
        Map<String, String> props = Map.of("kybernetes.chain-prefix", MockApiServer.CHAIN_PREFIX,
                "kybernetes.proxy-mode", mode(), "kybernetes.exec-prefix", "ip netns exec " + Netns.NODE);
        assertTrue(dumpRules().contains(STICKY_VIP), "rules present before the cleanup");
        assertEquals(0, ProxyMain.cleanup(props));
        assertEquals(0, ProxyMain.cleanup(props));
        String after = dumpRules();
        assertFalse(after.contains("KYBT") || after.contains(STICKY_VIP) || after.contains("kube-proxy"), after);
    }

    static void createService(Service svc) {
        MockApiServer.client.services().inNamespace(NS).resource(svc).createOr(NonDeletingOperation::update);
    }

    /** The Service's only slice, {@code <service>-1}: pod -> node name; ports http 8080/TCP and dns 5353/UDP. */
    static void setSlice(String service, Map<String, String> podNodes) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(NS).withName(service + "-1")
                .withLabels(Map.of(ServiceTable.SERVICE_NAME_LABEL, service)).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .addNewPort().withName("dns").withPort(5353).withProtocol("UDP").endPort();
        for (var e : new java.util.TreeMap<>(podNodes).entrySet()) {
            b.addNewEndpoint().withAddresses(Netns.IPS.get(e.getKey())).withNodeName(e.getValue())
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions().endEndpoint();
        }
        EndpointSlice slice = b.build();
        MockApiServer.client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice)
                .createOr(NonDeletingOperation::update);
    }

    /** curl 7.88 says "Couldn't connect to server" for ECONNREFUSED (an ICMP port unreachable), at once. */
    static boolean refused(String curlError) {
        return curlError.contains("Couldn't connect to server") || curlError.contains("refused");
    }

    static Set<String> distinct(List<String> answers) {
        return new TreeSet<>(answers);
    }
}
