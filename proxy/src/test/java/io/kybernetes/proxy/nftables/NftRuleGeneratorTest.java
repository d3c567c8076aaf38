package io.kybernetes.proxy.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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

class NftRuleGeneratorTest {

    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    static final NftNames N = new NftNames("KUBE");
    static final ServicePortName WEB = new ServicePortName("default", "web", "http", Protocol.TCP);
    static final ServicePortName DNS = new ServicePortName("kube-system", "dns", "dns", Protocol.UDP);
    static final Endpoint A = new Endpoint("10.244.0.5", 8080);
    static final Endpoint B = new Endpoint("10.244.0.6", 8080);
    static final Endpoint LOCAL = new Endpoint("10.244.0.8", 8080).asLocal();

    static ServicePort port(ServicePortName spn, int nodePort, List<String> externalIps, int affinity, boolean etpLocal,
            boolean itpLocal, Endpoint... eps) {
        return new ServicePort(spn, "10.96.0.20", 80, nodePort, externalIps, List.of(), affinity, etpLocal, itpLocal, 0,
                List.of(eps));
    }

    /** Per feature: ports, then "chain: rule" or "map{key : verdict}" entries that must be there, and absent substrings. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("cluster IP: vmap element, masquerade, one dnat over the chain's endpoint slots, hairpin pairs",
                        List.of(port(WEB, 0, List.of(), 0, false, false, A, B)), List.of(
                                "service-ips{10.96.0.20 . tcp . 80 : goto {SVC}}",
                                "{SVC}: ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade",
                                "{SVC}: meta l4proto tcp dnat ip to numgen random mod 2 offset 0 map @endpoint-slots-tcp",
                                "endpoint-slots-tcp{0 : 10.244.0.5 . 8080}",
                                "endpoint-slots-tcp{1 : 10.244.0.6 . 8080}",
                                "endpoint-hairpin{10.244.0.5 . 10.244.0.5}",
                                "endpoint-hairpin{10.244.0.6 . 10.244.0.6}",
                                "masquerading: ct status dnat ip saddr . ip daddr @endpoint-hairpin jump mark-for-masquerade"),
                        List.of("affinity", "{EXT}", "{EP_A}", "{EP_B}")),
                Arguments.of("UDP", List.of(port(DNS, 0, List.of(), 0, false, false, A)), List.of(
                                "service-ips{10.96.0.20 . udp . 80 : goto " + N.service(DNS) + "}",
                                N.service(DNS) + ": meta l4proto udp dnat ip to numgen random mod 1 offset 0 map @endpoint-slots-udp",
                                "endpoint-slots-udp{0 : 10.244.0.5 . 8080}"),
                        List.of()),
                Arguments.of("no endpoints: reject for cluster IP, external IP and node port",
                        List.of(port(WEB, 30080, List.of("192.0.2.50"), 0, false, false)), List.of(
                                "no-endpoint-services{10.96.0.20 . tcp . 80 : goto reject-chain}",
                                "no-endpoint-services{192.0.2.50 . tcp . 80 : goto reject-chain}",
                                "no-endpoint-nodeports{tcp . 30080 : goto reject-chain}"),
                        List.of("{SVC}", "{EXT}")),
                Arguments.of("node port and external IP, Cluster policy: external chain masquerades",
                        List.of(port(WEB, 30080, List.of("192.0.2.50"), 0, false, false, A)), List.of(
                                "service-nodeports{tcp . 30080 : goto {EXT}}",
                                "service-ips{192.0.2.50 . tcp . 80 : goto {EXT}}",
                                "{EXT}: jump mark-for-masquerade", "{EXT}: goto {SVC}"),
                        List.of("{LOCAL}")),
                Arguments.of("externalTrafficPolicy Local", List.of(port(WEB, 30080, List.of(), 0, true, false, A, LOCAL)), List.of(
                                "{EXT}: ip saddr 10.244.0.0/16 goto {SVC}",
                                "{EXT}: fib saddr type local jump mark-for-masquerade",
                                "{EXT}: fib saddr type local goto {SVC}",
                                "{EXT}: goto {LOCAL}",
                                "{SVC}: meta l4proto tcp dnat ip to numgen random mod 2 offset 0 map @endpoint-slots-tcp",
                                "endpoint-slots-tcp{0 : 10.244.0.5 . 8080}",
                                "endpoint-slots-tcp{1 : 10.244.0.8 . 8080}",
                                "{LOCAL}: meta l4proto tcp dnat ip to numgen random mod 1 offset 65536 map @endpoint-slots-tcp",
                                "endpoint-slots-tcp{65536 : 10.244.0.8 . 8080}"),
                        List.of("{EP_A}", "{EP_L}")),
                Arguments.of("externalTrafficPolicy Local, no local endpoint: node port dropped",
                        List.of(port(WEB, 30080, List.of(), 0, true, false, A)), List.of(
                                "no-endpoint-nodeports{tcp . 30080 : drop}",
                                "service-ips{10.96.0.20 . tcp . 80 : goto {SVC}}"),
                        List.of("{EXT}", "{LOCAL}")),
                Arguments.of("internalTrafficPolicy Local", List.of(port(WEB, 0, List.of(), 0, false, true, A, LOCAL)), List.of(
                                "service-ips{10.96.0.20 . tcp . 80 : goto {LOCAL}}",
                                "{LOCAL}: ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade"),
                        List.of("{SVC}", "{EP_A}")),
                Arguments.of("session affinity: endpoint chains, set per endpoint, checked before numgen, updated before dnat",
                        List.of(port(WEB, 0, List.of(), 600, false, false, A, B)), List.of(
                                "{SVC}: ip saddr @{AFF_A} goto {EP_A}",
                                "{SVC}: numgen random mod 2 == 0 goto {EP_A}",
                                "{SVC}: goto {EP_B}",
                                "{EP_A}: ip saddr 10.244.0.5 jump mark-for-masquerade",
                                "{EP_A}: meta l4proto tcp dnat to 10.244.0.5:8080",
                                "{EP_A}: update @{AFF_A} { ip saddr }",
                                "set {AFF_A}: type ipv4_addr ; flags dynamic,timeout ; timeout 600s ;"),
                        List.of("endpoint-slots-tcp{")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersFeature(String name, List<ServicePort> ports, List<String> present, List<String> absent) {
        List<String> all = flatten(NftRuleGenerator.generate(SETTINGS, N, ports));
        for (String want : present) {
            assertTrue(all.contains(resolve(want)), "missing " + resolve(want) + " in\n" + String.join("\n", all));
        }
        for (String not : absent) {
            assertTrue(all.stream().noneMatch(l -> l.contains(resolve(not))), "unexpected " + resolve(not));
        }
    }

    @Test
    void namesFollowUpstreamShape() {
        assertTrue(N.service(WEB).matches("service-[A-Z2-7]{8}-default/web/tcp/http"), N.service(WEB));
        assertTrue(N.endpoint(WEB, A).matches("endpoint-[A-Z2-7]{8}-default/web/tcp/http__10\\.244\\.0\\.5/8080"), N.endpoint(WEB, A));
        assertEquals("kube-proxy", N.table());
        assertEquals("kybt-proxy", new NftNames("KYBT").table());
    }

    @Test
    void nodeportAddressesUseASet() {
        NftRuleset r = NftRuleGenerator.generate(new RuleSettings("KUBE", null, 14, List.of("192.0.2.2")), N, List.of());
        assertEquals(Set.of("192.0.2.2"), r.elements().get(NftRuleGenerator.NODEPORT_IPS).keySet());
        assertTrue(r.chains().get("services").contains("ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports"));
        assertFalse(String.join("", r.chains().get("services")).contains("fib"));
    }

    static List<String> flatten(NftRuleset r) {
        List<String> out = new ArrayList<>();
        r.chains().forEach((c, rules) -> rules.forEach(rule -> out.add(c + ": " + rule)));
        r.elements().forEach((m, els) -> els.forEach((k, v) -> out.add(m + "{" + k + (v.isEmpty() ? "" : " : " + v) + "}")));
        r.sets().forEach((s, def) -> out.add("set " + s + ": " + def));
        return out;
    }

    static String resolve(String s) {
        return s.replace("{SVC}", N.service(WEB)).replace("{LOCAL}", N.local(WEB)).replace("{EXT}", N.external(WEB))
                .replace("{EP_A}", N.endpoint(WEB, A)).replace("{EP_B}", N.endpoint(WEB, B))
                .replace("{EP_L}", N.endpoint(WEB, LOCAL)).replace("{AFF_A}", N.affinity(WEB, A));
    }

    @Test
    void reusedRenderingsGiveTheSameRulesetAsAFreshGeneration() {
        NftRuleGenerator g = new NftRuleGenerator(SETTINGS, N);
        List<ServicePort> first = List.of(port(WEB, 30080, List.of(), 60, true, false, A, LOCAL), port(DNS, 0, List.of(), 0, false, false, B));
        List<ServicePort> second = List.of(port(WEB, 30080, List.of(), 60, true, false, A), port(DNS, 0, List.of(), 0, false, false, B));
        g.generate(first);
        assertEquals(NftRuleGenerator.generate(SETTINGS, N, second), g.generate(second));
        assertEquals(NftRuleGenerator.generate(SETTINGS, N, first), g.generate(first));
    }
}
