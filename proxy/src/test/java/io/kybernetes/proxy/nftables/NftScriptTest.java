package io.kybernetes.proxy.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kybernetes.proxy.iptables.RuleSettings;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

class NftScriptTest {

    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    static final NftNames N = new NftNames("KUBE");
    static final ServicePortName WEB = new ServicePortName("default", "web", "", Protocol.TCP);
    static final ServicePortName API = new ServicePortName("default", "api", "", Protocol.TCP);
    static final Endpoint A = new Endpoint("10.244.0.5", 8080);
    static final Endpoint B = new Endpoint("10.244.0.6", 8080);

    @Test
    void partialChangesOnlyTheServiceThatChanged() {
        ServicePort api = new ServicePort(API, "10.96.0.21", 80, List.of(A));
        NftRuleset before = NftRuleGenerator.generate(SETTINGS, N, List.of(api, new ServicePort(WEB, "10.96.0.20", 80, List.of(A, B))));
        NftRuleset after = NftRuleGenerator.generate(SETTINGS, N, List.of(api, new ServicePort(WEB, "10.96.0.20", 80, List.of(A))));
        // api holds block 0, web block 1 (slots 65536...); B's hairpin pair goes, A's stays (api still uses it)
        assertEquals("flush chain ip kube-proxy " + N.service(WEB) + "\n"
                + "add rule ip kube-proxy " + N.service(WEB) + " ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
                + "add rule ip kube-proxy " + N.service(WEB) + " meta l4proto tcp dnat ip to numgen random mod 1 offset 65536 map @endpoint-slots-tcp\n"
                + "delete element ip kube-proxy endpoint-slots-tcp { 65537 }\n"
                + "delete element ip kube-proxy endpoint-hairpin { 10.244.0.6 . 10.244.0.6 }\n",
                NftScript.partial("kube-proxy", before, after));
        assertEquals("", NftScript.partial("kube-proxy", after, after));
    }

    static final Endpoint C = new Endpoint("10.244.0.7", 8080);

    /**
     * Endpoint changes as the partial sync sees them, through one memoizing generator (as NftProxier holds it):
     * before, after, and the exact script. A changed endpoint with the same count is elements only.
     */
    static Stream<Arguments> endpointDiffs() {
        return Stream.of(
                Arguments.of("port changed: one slot replaced, no chain touched",
                        List.of(A, B), List.of(A, new Endpoint("10.244.0.6", 9090)),
                        "delete element ip kube-proxy endpoint-slots-tcp { 1 }\n"
                                + "add element ip kube-proxy endpoint-slots-tcp { 1 : 10.244.0.6 . 9090 }\n"),
                Arguments.of("pod replaced by another IP: slot and hairpin pair replaced",
                        List.of(A, B), List.of(A, C),
                        "delete element ip kube-proxy endpoint-slots-tcp { 1 }\n"
                                + "add element ip kube-proxy endpoint-slots-tcp { 1 : 10.244.0.7 . 8080 }\n"
                                + "delete element ip kube-proxy endpoint-hairpin { 10.244.0.6 . 10.244.0.6 }\n"
                                + "add element ip kube-proxy endpoint-hairpin { 10.244.0.7 . 10.244.0.7 }\n"),
                Arguments.of("endpoint added: the chain's one dnat rule gets the new modulus, one slot and pair added",
                        List.of(A), List.of(A, B),
                        "flush chain ip kube-proxy {SVC}\n"
                                + "add rule ip kube-proxy {SVC} ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
                                + "add rule ip kube-proxy {SVC} meta l4proto tcp dnat ip to numgen random mod 2 offset 0 map @endpoint-slots-tcp\n"
                                + "add element ip kube-proxy endpoint-slots-tcp { 1 : 10.244.0.6 . 8080 }\n"
                                + "add element ip kube-proxy endpoint-hairpin { 10.244.0.6 . 10.244.0.6 }\n"),
                Arguments.of("first endpoint removed: the others move down one slot",
                        List.of(A, B, C), List.of(B, C),
                        "flush chain ip kube-proxy {SVC}\n"
                                + "add rule ip kube-proxy {SVC} ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
                                + "add rule ip kube-proxy {SVC} meta l4proto tcp dnat ip to numgen random mod 2 offset 0 map @endpoint-slots-tcp\n"
                                + "delete element ip kube-proxy endpoint-slots-tcp { 0, 1, 2 }\n"
                                + "add element ip kube-proxy endpoint-slots-tcp { 0 : 10.244.0.6 . 8080, 1 : 10.244.0.7 . 8080 }\n"
                                + "delete element ip kube-proxy endpoint-hairpin { 10.244.0.5 . 10.244.0.5 }\n"),
                Arguments.of("nothing changed", List.of(A, B), List.of(B, A), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpointDiffs")
    void endpointChangesAreElementDiffs(String name, List<Endpoint> before, List<Endpoint> after, String script) {
        NftRuleGenerator g = new NftRuleGenerator(SETTINGS, N);
        NftRuleset was = g.generate(List.of(new ServicePort(WEB, "10.96.0.20", 80, before)));
        NftRuleset now = g.generate(List.of(new ServicePort(WEB, "10.96.0.20", 80, after)));
        assertEquals(script.replace("{SVC}", N.service(WEB)), NftScript.partial("kube-proxy", was, now));
    }

    @Test
    void aDeletedServiceFreesItsSlotsForTheNextNewOne() {
        NftRuleGenerator g = new NftRuleGenerator(SETTINGS, N);
        ServicePort api = new ServicePort(API, "10.96.0.21", 80, List.of(C));
        NftRuleset one = g.generate(List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A, B)), api));
        assertEquals("65536 : 10.244.0.7 . 8080", slots(one, "65536"));
        NftRuleset two = g.generate(List.of(api));
        assertEquals(Set.of("65536"), two.elements().get(NftRuleGenerator.slotMap(Protocol.TCP)).keySet(), "api keeps its block");
        String s = NftScript.partial("kube-proxy", one, two);
        assertTrue(s.contains("delete element ip kube-proxy endpoint-slots-tcp { 0, 1 }\n"), s);
        assertTrue(s.contains("delete chain ip kube-proxy " + N.service(WEB) + "\n"), s);
        ServicePort db = new ServicePort(new ServicePortName("default", "db", "", Protocol.TCP), "10.96.0.22", 5432, List.of(B));
        NftRuleset three = g.generate(List.of(api, db));
        assertEquals("0 : 10.244.0.6 . 8080", slots(three, "0"), "db gets the freed block 0");
        assertEquals(NftRuleGenerator.generate(SETTINGS, N, List.of(db, api)).elements(), three.elements());
    }

    static String slots(NftRuleset r, String key) {
        return key + " : " + r.elements().get(NftRuleGenerator.slotMap(Protocol.TCP)).get(key);
    }

    @Test
    void partialToNoEndpointsSwapsTheMapElement() {
        NftRuleset before = NftRuleGenerator.generate(SETTINGS, N, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A))));
        NftRuleset after = NftRuleGenerator.generate(SETTINGS, N, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of())));
        String s = NftScript.partial("kube-proxy", before, after);
        int delete = s.indexOf("delete element ip kube-proxy service-ips { 10.96.0.20 . tcp . 80 }");
        int add = s.indexOf("add element ip kube-proxy no-endpoint-services { 10.96.0.20 . tcp . 80 : goto reject-chain }");
        int deleteChain = s.indexOf("delete chain ip kube-proxy " + N.service(WEB));
        assertTrue(delete >= 0 && add >= 0 && deleteChain > delete, s);
    }

    @Test
    void fullFlushesAndRewritesAndDeletesStaleChainsAndSets() {
        NftRuleset r = NftRuleGenerator.generate(SETTINGS, N, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A))));
        Set<String> chains = new LinkedHashSet<>(List.of("services", "service-OLDOLDOL-default/gone/tcp/"));
        Set<String> sets = new LinkedHashSet<>(List.of("affinity-OLDOLDOL-default/gone/tcp/__10.1.1.1/80"));
        String s = NftScript.full("kube-proxy", r, chains, sets);
        assertTrue(s.startsWith("add table ip kube-proxy { comment \"rules for kube-proxy\" ; }\n"), s);
        assertTrue(s.contains("add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }\n"), s);
        // maps and element sets are created again after every chain (and so every rule using them) was flushed
        int delete = s.indexOf("delete map ip kube-proxy service-ips\nadd map ip kube-proxy service-ips {");
        assertTrue(delete > s.lastIndexOf("flush chain ") && delete < s.indexOf("add rule "), s);
        assertTrue(s.contains("add element ip kube-proxy service-ips { 10.96.0.20 . tcp . 80 : goto " + N.service(WEB) + " }\n"), s);
        assertTrue(s.contains("delete map ip kube-proxy endpoint-slots-tcp\nadd map ip kube-proxy endpoint-slots-tcp {"), s);
        assertTrue(s.contains("delete set ip kube-proxy endpoint-hairpin\nadd set ip kube-proxy endpoint-hairpin {"), s);
        assertTrue(s.contains("add element ip kube-proxy endpoint-slots-tcp { 0 : 10.244.0.5 . 8080 }\n"), s);
        assertTrue(s.contains("add element ip kube-proxy endpoint-hairpin { 10.244.0.5 . 10.244.0.5 }\n"), s);
        assertTrue(s.indexOf("flush chain ip kube-proxy service-OLDOLDOL") < s.indexOf("delete chain ip kube-proxy service-OLDOLDOL"), s);
        assertTrue(s.contains("delete set ip kube-proxy affinity-OLDOLDOL-default/gone/tcp/__10.1.1.1/80\n"), s);
    }

    @Test
    void listingParsesOnlyOurTable() {
        Set<String> chains = new LinkedHashSet<>();
        Set<String> sets = new LinkedHashSet<>();
        NftProxier.parseListing("""
                table ip other {
                \tchain x {
                \t}
                }
                table ip kube-proxy {
                \tchain services {
                \t}
                \tchain nat-output {
                \t\ttype nat hook output priority -100; policy accept;
                \t}
                }
                table ip kube-proxy {
                \tset affinity-AAAAAAAA-a/b/tcp/__1.2.3.4/80 {
                \t\ttype ipv4_addr
                \t}
                \tmap service-ips {
                \t}
                }
                """, "kube-proxy", chains, sets);
        assertEquals(Set.of("services", "nat-output"), chains);
        assertEquals(Set.of("affinity-AAAAAAAA-a/b/tcp/__1.2.3.4/80"), sets);
    }
}
