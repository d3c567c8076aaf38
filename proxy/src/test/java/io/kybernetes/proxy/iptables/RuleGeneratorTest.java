package io.kybernetes.proxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

class RuleGeneratorTest {

    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    static final ChainNames N = SETTINGS.chains();

    static final ServicePortName WEB = new ServicePortName("default", "web", "http", Protocol.TCP);
    static final ServicePortName DNS = new ServicePortName("kube-system", "dns", "dns", Protocol.UDP);
    static final ServicePortName SCTP = new ServicePortName("default", "sig", "", Protocol.SCTP);
    static final Endpoint A = new Endpoint("10.244.0.5", 8080);
    static final Endpoint B = new Endpoint("10.244.0.6", 8080);
    static final Endpoint C = new Endpoint("10.244.0.7", 8080);
    static final Endpoint LOCAL = new Endpoint("10.244.0.8", 8080).asLocal();
    static final Endpoint NOT_READY = new Endpoint("10.244.0.9", 8080, false, false, false, false);
    static final Endpoint TERMINATING = new Endpoint("10.244.0.10", 8080, false, false, true, true);

    static ServicePort port(ServicePortName spn, int nodePort, List<String> externalIps, List<String> lbIps, int affinity,
            boolean etpLocal, boolean itpLocal, int hcnp, Endpoint... eps) {
        return new ServicePort(spn, "10.96.0.20", 80, nodePort, externalIps, lbIps, affinity, etpLocal, itpLocal, hcnp,
                List.of(eps));
    }

    static ServicePort clusterIp(ServicePortName spn, Endpoint... eps) {
        return port(spn, 0, List.of(), List.of(), 0, false, false, 0, eps);
    }

    /** Per feature: the ports, then rules that must be there and rules that must not (any chain, any table). */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("cluster IP, two endpoints: masquerade off-cluster, 1/2 then the rest, hairpin, DNAT",
                        List.of(clusterIp(WEB, A, B)), List.of(
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j {SVC}",
                                "-A {SVC} -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
                                "-A {SVC} -m comment --comment \"default/web:http -> 10.244.0.5:8080\" -m statistic --mode random --probability 0.5000000000 -j {SEP_A}",
                                "-A {SVC} -m comment --comment \"default/web:http -> 10.244.0.6:8080\" -j {SEP_B}",
                                "-A {SEP_A} -m comment --comment \"default/web:http\" -s 10.244.0.5/32 -j KUBE-MARK-MASQ",
                                "-A {SEP_A} -m comment --comment \"default/web:http\" -m tcp -p tcp -j DNAT --to-destination 10.244.0.5:8080",
                                "-A KUBE-SERVICES -m comment --comment \"" + RuleGenerator.NODEPORTS_COMMENT + "\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"),
                        List.of("REJECT", "{EXT}", "{SVL}")),
                Arguments.of("three UDP endpoints: 1/3, 1/2, rest",
                        List.of(clusterIp(DNS, A, B, C)), List.of(
                                "-A {DSVC} -m comment --comment \"kube-system/dns:dns -> 10.244.0.5:8080\" -m statistic --mode random --probability 0.3333333333 -j {DSEP_A}",
                                "-A {DSVC} -m comment --comment \"kube-system/dns:dns -> 10.244.0.6:8080\" -m statistic --mode random --probability 0.5000000000 -j {DSEP_B}",
                                "-A {DSVC} -m comment --comment \"kube-system/dns:dns -> 10.244.0.7:8080\" -j {DSEP_C}",
                                "-A {DSEP_C} -m comment --comment \"kube-system/dns:dns\" -m udp -p udp -j DNAT --to-destination 10.244.0.7:8080"),
                        List.of()),
                Arguments.of("SCTP",
                        List.of(clusterIp(SCTP, A)), List.of(
                                "-A KUBE-SERVICES -m comment --comment \"default/sig cluster IP\" -m sctp -p sctp -d 10.96.0.20/32 --dport 80 -j " + N.servicePort(SCTP)),
                        List.of()),
                Arguments.of("no endpoints: REJECT in filter KUBE-SERVICES and KUBE-EXTERNAL-SERVICES, no chains",
                        List.of(port(WEB, 30080, List.of("192.0.2.50"), List.of("192.0.2.60"), 0, false, false, 0)), List.of(
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http has no endpoints\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j REJECT",
                                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"default/web:http has no endpoints\" -m tcp -p tcp -d 192.0.2.50/32 --dport 80 -j REJECT",
                                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"default/web:http has no endpoints\" -m tcp -p tcp -d 192.0.2.60/32 --dport 80 -j REJECT",
                                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"default/web:http has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT"),
                        List.of("{SVC}", "{EXT}", "-j DNAT")),
                Arguments.of("not-ready endpoints are not used; terminating serving ones only when none is ready",
                        List.of(clusterIp(WEB, A, NOT_READY, TERMINATING)), List.of(
                                "-A {SVC} -m comment --comment \"default/web:http -> 10.244.0.5:8080\" -j {SEP_A}"),
                        List.of("10.244.0.9", "10.244.0.10")),
                Arguments.of("only terminating serving endpoints: used",
                        List.of(clusterIp(WEB, NOT_READY, TERMINATING)), List.of(
                                "-A {SVC} -m comment --comment \"default/web:http -> 10.244.0.10:8080\" -j " + N.endpoint(WEB, TERMINATING)),
                        List.of("10.244.0.9", "REJECT")),
                Arguments.of("node port, external IP, load balancer IP, Cluster policy: KUBE-EXT masquerades then KUBE-SVC",
                        List.of(port(WEB, 30080, List.of("192.0.2.50"), List.of("192.0.2.60"), 0, false, false, 0, A)), List.of(
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http external IP\" -m tcp -p tcp -d 192.0.2.50/32 --dport 80 -j {EXT}",
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http loadbalancer IP\" -m tcp -p tcp -d 192.0.2.60/32 --dport 80 -j {EXT}",
                                "-A KUBE-NODEPORTS -m comment --comment \"default/web:http\" -m tcp -p tcp --dport 30080 -j {EXT}",
                                "-A {EXT} -m comment --comment \"masquerade traffic for default/web:http external destinations\" -j KUBE-MARK-MASQ",
                                "-A {EXT} -j {SVC}"),
                        List.of("{SVL}")),
                Arguments.of("externalTrafficPolicy Local: pods and LOCAL sources -> SVC, others unmasqueraded -> SVL (local only); health check port",
                        List.of(port(WEB, 30080, List.of(), List.of(), 0, true, false, 32000, A, LOCAL)), List.of(
                                "-A {EXT} -m comment --comment \"pod traffic for default/web:http external destinations\" -s 10.244.0.0/16 -j {SVC}",
                                "-A {EXT} -m comment --comment \"masquerade LOCAL traffic for default/web:http external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                                "-A {EXT} -m comment --comment \"route LOCAL traffic for default/web:http external destinations\" -m addrtype --src-type LOCAL -j {SVC}",
                                "-A {EXT} -j {SVL}",
                                "-A {SVL} -m comment --comment \"default/web:http -> 10.244.0.8:8080\" -j {SEP_L}",
                                "-A KUBE-NODEPORTS -m comment --comment \"default/web health check node port\" -m tcp -p tcp --dport 32000 -j ACCEPT"),
                        List.of("masquerade traffic for", "-A {SVL} -m comment --comment \"default/web:http -> 10.244.0.5:8080\"")),
                Arguments.of("externalTrafficPolicy Local without local endpoints: external traffic dropped, cluster IP works",
                        List.of(port(WEB, 30080, List.of(), List.of(), 0, true, false, 32000, A)), List.of(
                                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"default/web:http has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP",
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j {SVC}"),
                        List.of("{EXT}", "{SVL}")),
                Arguments.of("internalTrafficPolicy Local: cluster IP -> SVL with local endpoints only",
                        List.of(port(WEB, 0, List.of(), List.of(), 0, false, true, 0, A, LOCAL)), List.of(
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j {SVL}",
                                "-A {SVL} -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
                                "-A {SVL} -m comment --comment \"default/web:http -> 10.244.0.8:8080\" -j {SEP_L}"),
                        List.of("{SVC}", "{SEP_A}")),
                Arguments.of("internalTrafficPolicy Local without local endpoints: DROP",
                        List.of(port(WEB, 0, List.of(), List.of(), 0, false, true, 0, A)), List.of(
                                "-A KUBE-SERVICES -m comment --comment \"default/web:http has no local endpoints\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j DROP"),
                        List.of("{SVC}", "{SVL}")),
                Arguments.of("sessionAffinity ClientIP: recent check per endpoint before the statistic, set in the endpoint chain",
                        List.of(port(WEB, 0, List.of(), List.of(), 600, false, false, 0, A, B)), List.of(
                                "-A {SVC} -m comment --comment \"default/web:http -> 10.244.0.5:8080\" -m recent --name {SEP_A} --rcheck --seconds 600 --reap -j {SEP_A}",
                                "-A {SVC} -m comment --comment \"default/web:http -> 10.244.0.6:8080\" -m recent --name {SEP_B} --rcheck --seconds 600 --reap -j {SEP_B}",
                                "-A {SEP_A} -m comment --comment \"default/web:http\" -m recent --name {SEP_A} --set -m tcp -p tcp -j DNAT --to-destination 10.244.0.5:8080"),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersFeature(String name, List<ServicePort> ports, List<String> present, List<String> absent) {
        List<String> rules = allRules(RuleGenerator.generate(SETTINGS, ports));
        for (String want : present) {
            assertTrue(rules.contains(resolve(want)), "missing: " + resolve(want) + "\nin:\n" + String.join("\n", rules));
        }
        for (String not : absent) {
            assertTrue(rules.stream().noneMatch(r -> r.contains(resolve(not))), "unexpected " + resolve(not)
                    + "\nin:\n" + String.join("\n", rules));
        }
    }

    @Test
    void affinityRulesComeBeforeTheStatistic() {
        List<String> svc = RuleGenerator.generate(SETTINGS, List.of(port(WEB, 0, List.of(), List.of(), 600, false, false, 0, A, B)))
                .table("nat").get(N.servicePort(WEB));
        assertTrue(svc.get(1).contains("--rcheck") && svc.get(2).contains("--rcheck") && svc.get(3).contains("statistic"), svc.toString());
    }

    @Test
    void nodePortJumpIsTheLastRuleAndFollowsNodeportAddresses() {
        RuleSettings s = new RuleSettings("KUBE", "10.244.0.0/16", 14, List.of("192.0.2.2", "198.51.100.7"));
        List<String> services = RuleGenerator.generate(s, List.of(clusterIp(WEB, A))).table("nat").get("KUBE-SERVICES");
        assertEquals(List.of(
                "-A KUBE-SERVICES -m comment --comment \"" + RuleGenerator.NODEPORTS_COMMENT + "\" -d 192.0.2.2/32 -j KUBE-NODEPORTS",
                "-A KUBE-SERVICES -m comment --comment \"" + RuleGenerator.NODEPORTS_COMMENT + "\" -d 198.51.100.7/32 -j KUBE-NODEPORTS"),
                services.subList(services.size() - 2, services.size()));
    }

    @ParameterizedTest(name = "cluster CIDR {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "10.246.0.0/24"})
    void masqueradeRuleOnlyWithClusterCidr(String cidr) {
        RuleSettings s = new RuleSettings("KUBE", cidr, 14);
        String text = String.join("\n", allRules(RuleGenerator.generate(s, List.of(clusterIp(WEB, A)))));
        assertEquals(!cidr.isEmpty(), text.contains("! -s " + cidr + " -j KUBE-MARK-MASQ"));
        assertEquals(!cidr.isEmpty(), text.contains(" ! -s "));
    }

    @ParameterizedTest(name = "bit {0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({"14, 0x4000", "13, 0x2000", "0, 0x1"})
    void masqueradeBit(int bit, String mark) {
        List<String> rules = allRules(RuleGenerator.generate(new RuleSettings("KYBT", null, bit), List.of()));
        assertTrue(rules.contains("-A KYBT-MARK-MASQ -j MARK --or-mark " + mark), rules.toString());
        assertTrue(rules.contains("-A KYBT-POSTROUTING -m mark ! --mark " + mark + "/" + mark + " -j RETURN"), rules.toString());
        assertTrue(rules.contains("-A KYBT-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark "
                + mark + "/" + mark + " -j ACCEPT"), rules.toString());
    }

    @Test
    void headerDeclaresEveryChainAndNoRuleLeavesOurChains() {
        Ruleset r = RuleGenerator.generate(SETTINGS, List.of(port(WEB, 30080, List.of("192.0.2.50"), List.of(), 60, true,
                false, 32000, A, LOCAL)));
        for (var table : r.tables().entrySet()) {
            for (var chain : table.getValue().entrySet()) {
                for (String rule : chain.getValue()) {
                    assertTrue(rule.startsWith("-A " + chain.getKey() + " "), rule);
                    String target = SavedRules.Table.jumpTarget(rule);
                    if (target.startsWith("KUBE-")) {
                        assertTrue(table.getValue().containsKey(target), "jump to undeclared " + target + ": " + rule);
                    }
                }
            }
        }
        assertFalse(r.table("filter").containsKey(N.servicePort(WEB)));
    }

    static List<String> allRules(Ruleset r) {
        List<String> out = new ArrayList<>();
        r.tables().values().forEach(t -> t.values().forEach(out::addAll));
        return out;
    }

    static String resolve(String template) {
        return template
                .replace("{SVC}", N.servicePort(WEB))
                .replace("{SVL}", N.localPolicy(WEB))
                .replace("{EXT}", N.external(WEB))
                .replace("{SEP_A}", N.endpoint(WEB, A))
                .replace("{SEP_B}", N.endpoint(WEB, B))
                .replace("{SEP_L}", N.endpoint(WEB, LOCAL))
                .replace("{DSVC}", N.servicePort(DNS))
                .replace("{DSEP_A}", N.endpoint(DNS, A))
                .replace("{DSEP_B}", N.endpoint(DNS, B))
                .replace("{DSEP_C}", N.endpoint(DNS, C));
    }

    @Test
    void reusedRenderingsGiveTheSameRulesAsAFreshGeneration() {
        RuleGenerator g = new RuleGenerator(SETTINGS);
        List<ServicePort> first = List.of(clusterIp(WEB, A, B), port(DNS, 30053, List.of(), List.of(), 0, true, false, 32000, A, LOCAL));
        List<ServicePort> second = List.of(clusterIp(WEB, A), port(DNS, 30053, List.of(), List.of(), 0, true, false, 32000, A, LOCAL),
                clusterIp(SCTP, C));
        g.generate(first);
        assertEquals(RuleGenerator.generate(SETTINGS, second), g.generate(second));
        assertEquals(RuleGenerator.generate(SETTINGS, first), g.generate(first));
    }
}
