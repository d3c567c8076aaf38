package io.kybernetes.dns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

class ClusterZoneTest {

    static final ClusterZone ZONE = new ClusterZone("cluster.local", 5);
    static final ClusterState STATE = new ClusterState(Fixtures.services(), ZONE.zone());

    static Stream<Arguments> cases() {
        return Stream.of(
                // ClusterIP Services
                row("web.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.96.0.20"),
                row("WEB.Default.SVC.cluster.local.", Type.A, Rcode.NOERROR, "10.96.0.20"),
                row("web.default.svc.cluster.local.", Type.AAAA, Rcode.NOERROR),
                row("web.default.svc.cluster.local.", Type.TXT, Rcode.NOERROR),
                row("web.default.svc.cluster.local.", Type.ANY, Rcode.NOERROR, "10.96.0.20"),
                row("dual.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.96.0.30"),
                row("dual.default.svc.cluster.local.", Type.AAAA, Rcode.NOERROR, "fd00:0:0:0:0:0:0:30"),
                row("kube-dns.kube-system.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.96.0.10"),
                // headless: ready endpoints, each endpoint by hostname or dashed IP
                row("db.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.244.0.5", "10.244.0.6", "10.244.0.7"),
                row("db.default.svc.cluster.local.", Type.AAAA, Rcode.NOERROR),
                row("db-0.db.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.244.0.5"),
                row("DB-1.db.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.244.0.6"),
                row("10-244-0-7.db.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.244.0.7"),
                row("db-0.db.default.svc.cluster.local.", Type.AAAA, Rcode.NOERROR),
                row("db-9.db.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("10-244-0-8.db.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("notready.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "10.244.0.8"),
                row("empty.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("empty.default.svc.cluster.local.", Type.SRV, Rcode.NXDOMAIN),
                row("web-0.web.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                // SRV for named ports
                row("_http._tcp.web.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        "0 100 80 web.default.svc.cluster.local."),
                row("_dns._udp.web.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        "0 100 53 web.default.svc.cluster.local."),
                row("_http._udp.web.default.svc.cluster.local.", Type.SRV, Rcode.NXDOMAIN),
                row("_nope._tcp.web.default.svc.cluster.local.", Type.SRV, Rcode.NXDOMAIN),
                row("_http._tcp.web.default.svc.cluster.local.", Type.A, Rcode.NOERROR),
                row("web.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        "0 100 53 web.default.svc.cluster.local.", "0 100 80 web.default.svc.cluster.local."),
                row("_pg._tcp.db.default.svc.cluster.local.", Type.SRV, Rcode.NOERROR,
                        "0 33 5432 10-244-0-7.db.default.svc.cluster.local.",
                        "0 33 5432 db-0.db.default.svc.cluster.local.", "0 33 5432 db-1.db.default.svc.cluster.local."),
                row("_pg._tcp.empty.default.svc.cluster.local.", Type.SRV, Rcode.NXDOMAIN),
                // ExternalName
                row("ext.default.svc.cluster.local.", Type.A, Rcode.NOERROR, "example.com."),
                row("ext.default.svc.cluster.local.", Type.CNAME, Rcode.NOERROR, "example.com."),
                // namespaces, unknown names, search-path expansions
                row("nope.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("web.nope.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("default.svc.cluster.local.", Type.A, Rcode.NOERROR),
                row("nope.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("svc.cluster.local.", Type.A, Rcode.NOERROR),
                row("dns.cluster.local.", Type.A, Rcode.NOERROR),
                row("ns.dns.cluster.local.", Type.A, Rcode.NOERROR),
                row("web.default.svc.cluster.local.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("example.com.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("example.com.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("example.com.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("a.b.c.d.web.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                // pods
                row("10-244-0-9.default.pod.cluster.local.", Type.A, Rcode.NOERROR, "10.244.0.9"),
                row("10-244-0-9.any.pod.cluster.local.", Type.AAAA, Rcode.NOERROR),
                row("fd00--9.default.pod.cluster.local.", Type.AAAA, Rcode.NOERROR, "fd00:0:0:0:0:0:0:9"),
                row("10-244-0.default.pod.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("bogus.default.pod.cluster.local.", Type.A, Rcode.NXDOMAIN),
                row("x.10-244-0-9.default.pod.cluster.local.", Type.A, Rcode.NXDOMAIN),
                // zone apex and schema version
                row("dns-version.cluster.local.", Type.TXT, Rcode.NOERROR, "1.1.0"),
                row("dns-version.cluster.local.", Type.A, Rcode.NOERROR),
                row("cluster.local.", Type.A, Rcode.NOERROR),
                row("cluster.local.", Type.NS, Rcode.NOERROR, "ns.dns.cluster.local."),
                // reverse: cluster IPs and endpoint IPs
                row("20.0.96.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR, "web.default.svc.cluster.local."),
                row("5.0.244.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR, "db-0.db.default.svc.cluster.local."),
                row("7.0.244.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR, "10-244-0-7.db.default.svc.cluster.local."),
                row("21.0.244.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR, "10-244-0-21.web.default.svc.cluster.local."),
                row("20.0.96.10.in-addr.arpa.", Type.A, Rcode.NOERROR));
    }

    static Arguments row(String name, int type, int rcode, String... rdata) {
        return Arguments.of(name, Type.string(type), type, rcode, List.of(rdata));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void answers(String name, String typeName, int type, int rcode, List<String> rdata) throws Exception {
        ZoneAnswer a = ZONE.answer(STATE, Name.fromString(name), type);
        assertNotNull(a, "the zone must answer " + name);
        assertEquals(Rcode.string(rcode), Rcode.string(a.rcode()));
        String[] got = a.answers().stream().map(Record::rdataToString).sorted().toArray(String[]::new);
        String[] want = rdata.stream().sorted().toArray(String[]::new);
        assertEquals(Arrays.asList(want), Arrays.asList(got));
        for (Record r : a.answers()) {
            assertEquals(Name.fromString(name), r.getName(), "owner name is the question");
            assertEquals(5, r.getTTL());
        }
        if (a.answers().isEmpty() && !name.endsWith(".arpa.")) {
            assertEquals(1, a.authority().size(), "NXDOMAIN and NODATA carry the SOA");
            SOARecord soa = (SOARecord) a.authority().get(0);
            assertEquals(Name.fromString("cluster.local."), soa.getName());
        }
    }

    @ParameterizedTest
    @MethodSource("notOurs")
    void forwardsNamesThatAreNotTheZones(String name) throws Exception {
        assertNull(ZONE.answer(STATE, Name.fromString(name), Type.A));
        assertNull(ZONE.answer(STATE, Name.fromString(name), Type.PTR));
    }

    static Stream<String> notOurs() {
        return Stream.of("example.com.", "cluster.local.example.com.", "local.", "99.0.96.10.in-addr.arpa.",
                "1.0.0.127.in-addr.arpa.");
    }

    @Test
    void srvOfAServiceCarriesAddressesOfItsTargets() throws Exception {
        ZoneAnswer a = ZONE.answer(STATE, Name.fromString("_pg._tcp.db.default.svc.cluster.local."), Type.SRV);
        List<String> glue = a.additional().stream().map(r -> r.getName() + " " + r.rdataToString()).sorted().toList();
        assertEquals(List.of("10-244-0-7.db.default.svc.cluster.local. 10.244.0.7",
                "db-0.db.default.svc.cluster.local. 10.244.0.5", "db-1.db.default.svc.cluster.local. 10.244.0.6"), glue);
        ZoneAnswer web = ZONE.answer(STATE, Name.fromString("_http._tcp.web.default.svc.cluster.local."), Type.SRV);
        assertEquals(List.of("web.default.svc.cluster.local. 10.96.0.20"),
                web.additional().stream().map(r -> r.getName() + " " + r.rdataToString()).toList());
    }

    @Test
    void anotherClusterDomain() throws Exception {
        ClusterZone zone = new ClusterZone("kyb.example", 30);
        ClusterState state = new ClusterState(Fixtures.services(), zone.zone());
        ZoneAnswer a = zone.answer(state, Name.fromString("web.default.svc.kyb.example."), Type.A);
        assertEquals("10.96.0.20", a.answers().get(0).rdataToString());
        assertEquals(30, a.answers().get(0).getTTL());
        assertNull(zone.answer(state, Name.fromString("web.default.svc.cluster.local."), Type.A));
        assertEquals(List.of(Name.fromString("web.default.svc.kyb.example.")),
                state.pointers(Name.fromString("20.0.96.10.in-addr.arpa.")));
    }

    @Test
    void nxdomainIsDistinctFromNodata() throws Exception {
        assertTrue(ZONE.answer(STATE, Name.fromString("nope.default.svc.cluster.local."), Type.A).isNxdomain());
        assertTrue(ZONE.answer(STATE, Name.fromString("web.default.svc.cluster.local."), Type.AAAA).isNodata());
    }
}
