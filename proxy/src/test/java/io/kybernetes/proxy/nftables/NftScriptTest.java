package io.kybernetes.proxy.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

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
        assertEquals("flush chain ip kube-proxy " + N.service(WEB) + "\n"
                + "add rule ip kube-proxy " + N.service(WEB) + " ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
                + "add rule ip kube-proxy " + N.service(WEB) + " goto " + N.endpoint(WEB, A) + "\n"
                + "flush chain ip kube-proxy " + N.endpoint(WEB, B) + "\n"
                + "delete chain ip kube-proxy " + N.endpoint(WEB, B) + "\n",
                NftScript.partial("kube-proxy", before, after));
        assertEquals("", NftScript.partial("kube-proxy", after, after));
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
        assertTrue(s.contains("flush map ip kube-proxy service-ips\n"), s);
        assertTrue(s.contains("add element ip kube-proxy service-ips { 10.96.0.20 . tcp . 80 : goto " + N.service(WEB) + " }\n"), s);
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
