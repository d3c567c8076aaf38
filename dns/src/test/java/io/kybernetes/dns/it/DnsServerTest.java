package io.kybernetes.dns.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.kybernetes.dns.server.DnsServer;
import io.kybernetes.dns.watch.ClusterWatcher;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The real server on a random loopback port, fed by fabric8's mock API server (CRUD mode), forwarding to a fake
 * upstream resolver on loopback; queried with dnsjava's SimpleResolver over UDP and TCP and with busybox's nslookup.
 */
@QuarkusTest
@QuarkusTestResource(value = MockCluster.class, restrictToAnnotatedClass = true)
class DnsServerTest {

    @Inject
    DnsServer server;

    @Inject
    ClusterWatcher watcher;

    @BeforeEach
    void synced() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!watcher.synced() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(watcher.synced(), "informers synced");
    }

    SimpleResolver resolver() {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        r.setTimeout(Duration.ofSeconds(3));
        return r;
    }

    Message ask(String name, int type) throws IOException {
        return resolver().send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static List<String> rdata(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> Type.string(r.getType()) + " " + r.rdataToString())
                .sorted().toList();
    }

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("web.default.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of("A 10.96.0.20")),
                Arguments.of("web.default.svc.cluster.local.", Type.AAAA, Rcode.NOERROR, List.of()),
                Arguments.of("kube-dns.kube-system.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of("A 10.96.0.10")),
                Arguments.of("db.default.svc.cluster.local.", Type.A, Rcode.NOERROR,
                        List.of("A 10.244.0.5", "A 10.244.0.6", "A 10.244.0.7")),
                Arguments.of("db-0.db.default.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of("A 10.244.0.5")),
                Arguments.of("db-3.db.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN, List.of()),
                Arguments.of("sliced.default.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of("A 10.244.0.31")),
                Arguments.of("s-0.sliced.default.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of("A 10.244.0.31")),
                Arguments.of("_http._tcp.web.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        List.of("SRV 0 100 80 web.default.svc.cluster.local.")),
                Arguments.of("_dns._udp.web.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        List.of("SRV 0 100 53 web.default.svc.cluster.local.")),
                Arguments.of("_pg._tcp.db.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        List.of("SRV 0 33 5432 10-244-0-7.db.default.svc.cluster.local.",
                                "SRV 0 33 5432 db-0.db.default.svc.cluster.local.",
                                "SRV 0 33 5432 db-1.db.default.svc.cluster.local.")),
                Arguments.of("20.0.96.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR,
                        List.of("PTR web.default.svc.cluster.local.")),
                Arguments.of("6.0.244.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR,
                        List.of("PTR db-1.db.default.svc.cluster.local.")),
                Arguments.of("10-244-0-9.default.pod.cluster.local.", Type.A, Rcode.NOERROR, List.of("A 10.244.0.9")),
                Arguments.of("ext.default.svc.cluster.local.", Type.A, Rcode.NOERROR,
                        List.of("A " + FakeUpstream.EXAMPLE_IP, "CNAME example.com.")),
                Arguments.of("alias.default.svc.cluster.local.", Type.A, Rcode.NOERROR,
                        List.of("A 10.96.0.20", "CNAME web.default.svc.cluster.local.")),
                Arguments.of("nope.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN, List.of()),
                Arguments.of("web.default.svc.cluster.local.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN,
                        List.of()),
                Arguments.of("dns-version.cluster.local.", Type.TXT, Rcode.NOERROR, List.of("TXT 1.1.0")),
                Arguments.of("example.com.", Type.A, Rcode.NOERROR, List.of("A " + FakeUpstream.EXAMPLE_IP)),
                Arguments.of("nope.example.com.", Type.A, Rcode.NXDOMAIN, List.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("records")
    void answers(String name, int type, int rcode, List<String> want) throws Exception {
        Message m = ask(name, type);
        assertEquals(Rcode.string(rcode), Rcode.string(m.getRcode()), m.toString());
        assertEquals(want, rdata(m), m.toString());
        if (name.endsWith("cluster.local.")) {
            assertTrue(m.getHeader().getFlag(Flags.AA), "authoritative for the cluster domain");
            if (want.isEmpty()) {
                assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType(), "SOA with NXDOMAIN/NODATA");
            }
        }
    }

    @Test
    void largeAnswersAreTruncatedOverUdpAndCompleteOverTcp() throws Exception {
        SimpleResolver udpOnly = resolver();
        udpOnly.setIgnoreTruncation(true);
        udpOnly.setEDNS(-1); // no EDNS: 512 bytes over UDP
        Message q = Message.newQuery(Record.newRecord(Name.fromString("many.default.svc.cluster.local."), Type.A,
                DClass.IN));
        Message truncated = udpOnly.send(q);
        assertTrue(truncated.getHeader().getFlag(Flags.TC), "TC over UDP");
        assertTrue(truncated.getSection(Section.ANSWER).size() < ClusterObjects.MANY);

        SimpleResolver tcp = resolver();
        tcp.setTCP(true);
        assertEquals(ClusterObjects.MANY, tcp.send(q).getSection(Section.ANSWER).size());
        // without EDNS the resolver retries over TCP by itself; with EDNS (1232 bytes) it fits in one datagram
        SimpleResolver plain = resolver();
        plain.setEDNS(-1);
        assertEquals(ClusterObjects.MANY, plain.send(q).getSection(Section.ANSWER).size());
        Message edns = resolver().send(q);
        assertEquals(ClusterObjects.MANY, edns.getSection(Section.ANSWER).size());
    }

    @Test
    void forwardsWithTcpFallbackAndCaches() throws Exception {
        FakeUpstream up = MockCluster.upstream;
        Message big = ask("big.example.com.", Type.A);
        assertEquals(FakeUpstream.BIG, big.getSection(Section.ANSWER).size());
        assertTrue(up.queries(up.tcpQueries, "big.example.com.") >= 1, "upstream's truncated answer retried over TCP");

        int before = up.queries(up.udpQueries, "cached.example.com.") + up.queries(up.udpQueries, "example.com.");
        ask("example.com.", Type.A);
        ask("EXAMPLE.com.", Type.A);
        int after = up.queries(up.udpQueries, "example.com.");
        assertTrue(after <= Math.max(1, before), "second question answered from the cache: " + before + " -> " + after);
    }

    @Test
    void followsServicesAsTheyChange() throws Exception {
        var client = MockCluster.client;
        client.resource(ClusterObjects.service("team", "late", "10.96.0.77", "http", "TCP", 80)).create();
        assertEquals(List.of("A 10.96.0.77"), waitFor("late.team.svc.cluster.local.", Rcode.NOERROR));
        client.services().inNamespace("team").withName("late").delete();
        waitFor("late.team.svc.cluster.local.", Rcode.NXDOMAIN);
    }

    List<String> waitFor(String name, int rcode) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Message m;
        do {
            m = ask(name, Type.A);
            if (m.getRcode() == rcode) {
                return rdata(m);
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + Rcode.string(rcode) + " for " + name + " in time; last: " + m);
    }

    @Test
    void badMessagesGetErrorsNotSilence() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 'a'};
            s.send(new DatagramPacket(garbage, garbage.length, InetAddress.getByName("127.0.0.1"), server.port()));
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            Message m = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            assertEquals(0x1234, m.getHeader().getID());
            assertEquals(Rcode.FORMERR, m.getRcode());
        }
    }

    @Test
    void busyboxNslookup() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox not installed");
        String server = "127.0.0.1:" + this.server.port();
        String a = run("/bin/busybox", "nslookup", "web.default.svc.cluster.local", server);
        assertTrue(a.contains("10.96.0.20"), a);
        String srv = run("/bin/busybox", "nslookup", "-type=srv", "_pg._tcp.db.default.svc.cluster.local", server);
        assertTrue(srv.contains("db-0.db.default.svc.cluster.local"), srv);
        String sts = run("/bin/busybox", "nslookup", "db-1.db.default.svc.cluster.local", server);
        assertTrue(sts.contains("10.244.0.6"), sts);
        String ext = run("/bin/busybox", "nslookup", "example.com", server);
        assertTrue(ext.contains(FakeUpstream.EXAMPLE_IP), ext);
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void healthAndMetrics() {
        given().get("/readyz").then().statusCode(200).body(containsString("dns-records"));
        given().get("/healthz").then().statusCode(200);
        given().get("/livez").then().statusCode(200);
        given().get("/metrics").then().statusCode(200).body(containsString("coredns_dns_requests_total"));
    }
}
