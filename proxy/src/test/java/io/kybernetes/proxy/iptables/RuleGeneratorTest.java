package io.kybernetes.proxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

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
    static final Endpoint A = new Endpoint("10.244.0.5", 8080);
    static final Endpoint B = new Endpoint("10.244.0.6", 8080);
    static final Endpoint C = new Endpoint("10.244.0.7", 8080);

    /** Everything present after a first sync: jumps exist, so none are inserted. */
    static final String SAVED_WITH_JUMPS = """
            *filter
            :OUTPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :KUBE-SERVICES - [0:0]
            -A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :KUBE-SERVICES - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-SVC-GONEGONEGONEGONE - [0:0]
            :KUBE-SEP-GONEGONEGONEGONE - [0:0]
            :DOCKER - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
            COMMIT
            """;

    static final String BASE_NAT = """
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
            -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
            -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
            """;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("first sync, nothing there: base chains and all jumps", List.of(), "", """
                        *filter
                        :KUBE-SERVICES - [0:0]
                        -I OUTPUT 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                        -I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                        COMMIT
                        *nat
                        :KUBE-SERVICES - [0:0]
                        :KUBE-POSTROUTING - [0:0]
                        :KUBE-MARK-MASQ - [0:0]
                        -I OUTPUT 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                        -I PREROUTING 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                        -I POSTROUTING 1 -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
                        """ + BASE_NAT + """
                        COMMIT
                        """),
                Arguments.of("two endpoints: 1/2 then the rest; stale chains deleted",
                        List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A, B))), SAVED_WITH_JUMPS, """
                        *filter
                        :KUBE-SERVICES - [0:0]
                        COMMIT
                        *nat
                        :KUBE-SERVICES - [0:0]
                        :KUBE-POSTROUTING - [0:0]
                        :KUBE-MARK-MASQ - [0:0]
                        :{SVC} - [0:0]
                        :{SEP_A} - [0:0]
                        :{SEP_B} - [0:0]
                        :KUBE-SEP-GONEGONEGONEGONE - [0:0]
                        :KUBE-SVC-GONEGONEGONEGONE - [0:0]
                        """ + BASE_NAT + """
                        -A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j {SVC}
                        -A {SVC} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
                        -A {SVC} -m comment --comment "default/web:http -> 10.244.0.5:8080" -m statistic --mode random --probability 0.5000000000 -j {SEP_A}
                        -A {SEP_A} -m comment --comment "default/web:http" -s 10.244.0.5/32 -j KUBE-MARK-MASQ
                        -A {SEP_A} -m comment --comment "default/web:http" -m tcp -p tcp -j DNAT --to-destination 10.244.0.5:8080
                        -A {SVC} -m comment --comment "default/web:http -> 10.244.0.6:8080" -j {SEP_B}
                        -A {SEP_B} -m comment --comment "default/web:http" -s 10.244.0.6/32 -j KUBE-MARK-MASQ
                        -A {SEP_B} -m comment --comment "default/web:http" -m tcp -p tcp -j DNAT --to-destination 10.244.0.6:8080
                        -X KUBE-SEP-GONEGONEGONEGONE
                        -X KUBE-SVC-GONEGONEGONEGONE
                        COMMIT
                        """),
                Arguments.of("no endpoints: REJECT in filter, no service chain",
                        List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of())), SAVED_WITH_JUMPS.replace("GONE", "XXXX"), """
                        *filter
                        :KUBE-SERVICES - [0:0]
                        -A KUBE-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j REJECT
                        COMMIT
                        *nat
                        :KUBE-SERVICES - [0:0]
                        :KUBE-POSTROUTING - [0:0]
                        :KUBE-MARK-MASQ - [0:0]
                        :KUBE-SEP-XXXXXXXXXXXXXXXX - [0:0]
                        :KUBE-SVC-XXXXXXXXXXXXXXXX - [0:0]
                        """ + BASE_NAT + """
                        -X KUBE-SEP-XXXXXXXXXXXXXXXX
                        -X KUBE-SVC-XXXXXXXXXXXXXXXX
                        COMMIT
                        """),
                Arguments.of("three endpoints: probabilities 1/3, 1/2, rest; UDP",
                        List.of(new ServicePort(DNS, "10.96.0.10", 53, List.of(A, B, C))),
                        SAVED_WITH_JUMPS.replace(":KUBE-SVC-GONEGONEGONEGONE - [0:0]\n", "").replace(":KUBE-SEP-GONEGONEGONEGONE - [0:0]\n", ""), """
                        *filter
                        :KUBE-SERVICES - [0:0]
                        COMMIT
                        *nat
                        :KUBE-SERVICES - [0:0]
                        :KUBE-POSTROUTING - [0:0]
                        :KUBE-MARK-MASQ - [0:0]
                        :{DSVC} - [0:0]
                        :{DSEP_A} - [0:0]
                        :{DSEP_B} - [0:0]
                        :{DSEP_C} - [0:0]
                        """ + BASE_NAT + """
                        -A KUBE-SERVICES -m comment --comment "kube-system/dns:dns cluster IP" -m udp -p udp -d 10.96.0.10/32 --dport 53 -j {DSVC}
                        -A {DSVC} -m comment --comment "kube-system/dns:dns cluster IP" -m udp -p udp -d 10.96.0.10/32 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
                        -A {DSVC} -m comment --comment "kube-system/dns:dns -> 10.244.0.5:8080" -m statistic --mode random --probability 0.3333333333 -j {DSEP_A}
                        -A {DSEP_A} -m comment --comment "kube-system/dns:dns" -s 10.244.0.5/32 -j KUBE-MARK-MASQ
                        -A {DSEP_A} -m comment --comment "kube-system/dns:dns" -m udp -p udp -j DNAT --to-destination 10.244.0.5:8080
                        -A {DSVC} -m comment --comment "kube-system/dns:dns -> 10.244.0.6:8080" -m statistic --mode random --probability 0.5000000000 -j {DSEP_B}
                        -A {DSEP_B} -m comment --comment "kube-system/dns:dns" -s 10.244.0.6/32 -j KUBE-MARK-MASQ
                        -A {DSEP_B} -m comment --comment "kube-system/dns:dns" -m udp -p udp -j DNAT --to-destination 10.244.0.6:8080
                        -A {DSVC} -m comment --comment "kube-system/dns:dns -> 10.244.0.7:8080" -j {DSEP_C}
                        -A {DSEP_C} -m comment --comment "kube-system/dns:dns" -s 10.244.0.7/32 -j KUBE-MARK-MASQ
                        -A {DSEP_C} -m comment --comment "kube-system/dns:dns" -m udp -p udp -j DNAT --to-destination 10.244.0.7:8080
                        COMMIT
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generates(String name, List<ServicePort> ports, String saved, String expected) {
        String actual = RuleGenerator.generate(SETTINGS, ports, SavedRules.parse(saved));
        assertEquals(resolve(expected), actual);
    }

    @ParameterizedTest(name = "cluster CIDR {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "10.246.0.0/24"})
    void masqueradeRuleOnlyWithClusterCidr(String cidr) {
        RuleSettings s = new RuleSettings("KUBE", cidr, 14);
        String text = RuleGenerator.generate(s, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A))),
                SavedRules.empty());
        assertEquals(!cidr.isEmpty(), text.contains("! -s " + cidr + " -j KUBE-MARK-MASQ"));
        assertEquals(!cidr.isEmpty(), text.contains(" ! -s "));
    }

    @ParameterizedTest(name = "bit {0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({"14, 0x4000", "13, 0x2000", "0, 0x1"})
    void masqueradeBit(int bit, String mark) {
        String text = RuleGenerator.generate(new RuleSettings("KYBT", null, bit), List.of(), SavedRules.empty());
        assertEquals(true, text.contains("-A KYBT-MARK-MASQ -j MARK --or-mark " + mark + "\n"), text);
        assertEquals(true, text.contains("-m mark ! --mark " + mark + "/" + mark + " -j RETURN"), text);
    }

    static String resolve(String template) {
        ServicePortName dns = DNS;
        return template
                .replace("{SVC}", N.servicePort(WEB))
                .replace("{SEP_A}", N.endpoint(WEB, A))
                .replace("{SEP_B}", N.endpoint(WEB, B))
                .replace("{DSVC}", N.servicePort(dns))
                .replace("{DSEP_A}", N.endpoint(dns, A))
                .replace("{DSEP_B}", N.endpoint(dns, B))
                .replace("{DSEP_C}", N.endpoint(dns, C));
    }
}
