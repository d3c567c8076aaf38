package io.kybernetes.proxy.nftables;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kybernetes.proxy.iptables.RuleSettings;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * Pure function from the Service ports to the content of our {@code ip kube-proxy} table, in upstream's nftables
 * layout: destination lookups are verdict maps, not rule lists, so a packet costs one lookup however many
 * Services there are.
 * <pre>
 * nat-prerouting, nat-output -&gt; services: ip daddr . l4proto . dport vmap @service-ips     (cluster, external, LB IPs)
 *                                     local destination: l4proto . dport vmap @service-nodeports
 * service-X / local-X: masquerade off-cluster sources, affinity (ip saddr @affinity-Y goto endpoint-Y),
 *                      numgen random mod n == 0 goto endpoint-1, mod n-1 ..., goto endpoint-n
 * external-X: Cluster policy: mark for masquerade, goto service-X; Local: pods and LOCAL sources -&gt; service-X,
 *             the rest -&gt; local-X
 * endpoint-Y: hairpin masquerade, update @affinity-Y, dnat
 * filter-input/forward/output (new connections): vmap @no-endpoint-services / @no-endpoint-nodeports -&gt;
 *             goto reject-chain (no endpoints) or drop (no local endpoints under a Local policy)
 * nat-postrouting -&gt; masquerading: masquerade what mark-for-masquerade marked
 * </pre>
 */
public final class NftRuleGenerator {

    public static final String SERVICE_IPS = "service-ips";
    public static final String SERVICE_NODEPORTS = "service-nodeports";
    public static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
    public static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
    public static final String NODEPORT_IPS = "nodeport-ips";

    private final RuleSettings settings;
    private final NftNames names;
    /** The chains, elements and sets of each Service port of the last generation (an unchanged port is reused). */
    private Map<ServicePort, NftRuleset> memo = new HashMap<>();

    public NftRuleGenerator(RuleSettings settings, NftNames names) {
        this.settings = settings;
        this.names = names;
    }

    public static NftRuleset generate(RuleSettings settings, NftNames names, List<ServicePort> ports) {
        return new NftRuleGenerator(settings, names).generate(ports);
    }

    public NftRuleset generate(List<ServicePort> ports) {
        LinkedHashMap<String, List<String>> chains = new LinkedHashMap<>();
        Map<String, String> hooks = new LinkedHashMap<>();
        LinkedHashMap<String, String> maps = new LinkedHashMap<>();
        LinkedHashMap<String, LinkedHashMap<String, String>> elements = new LinkedHashMap<>();
        LinkedHashMap<String, String> sets = new LinkedHashMap<>();
        String mark = settings.mark();
        boolean allLocal = settings.nodePortIps().isEmpty();
        String nodeportMatch = allLocal ? "fib daddr type local ip daddr != 127.0.0.0/8" : "ip daddr @" + NODEPORT_IPS;

        maps.put(SERVICE_IPS, "type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ;");
        maps.put(SERVICE_NODEPORTS, "type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ;");
        maps.put(NO_ENDPOINT_SERVICES, "type ipv4_addr . inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to services with no endpoints\" ;");
        maps.put(NO_ENDPOINT_NODEPORTS, "type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ;");
        for (String m : maps.keySet()) {
            elements.put(m, new LinkedHashMap<>());
        }
        if (!allLocal) {
            sets.put(NODEPORT_IPS, "type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ;");
            LinkedHashMap<String, String> ips = new LinkedHashMap<>();
            settings.nodePortIps().forEach(ip -> ips.put(ip, ""));
            elements.put(NODEPORT_IPS, ips);
        }

        base(chains, hooks, "filter-input", "type filter hook input priority -110 ;",
                "ct state new jump nodeport-endpoints-check", "ct state new jump service-endpoints-check");
        base(chains, hooks, "filter-forward", "type filter hook forward priority -110 ;",
                "ct state new jump service-endpoints-check");
        base(chains, hooks, "filter-output", "type filter hook output priority -110 ;",
                "ct state new jump service-endpoints-check");
        base(chains, hooks, "nat-prerouting", "type nat hook prerouting priority -100 ;", "jump services");
        base(chains, hooks, "nat-output", "type nat hook output priority -100 ;", "jump services");
        base(chains, hooks, "nat-postrouting", "type nat hook postrouting priority 100 ;", "jump masquerading");
        chains.put("service-endpoints-check", List.of("ip daddr . meta l4proto . th dport vmap @" + NO_ENDPOINT_SERVICES));
        chains.put("nodeport-endpoints-check", List.of(nodeportMatch + " meta l4proto . th dport vmap @" + NO_ENDPOINT_NODEPORTS));
        chains.put("services", List.of("ip daddr . meta l4proto . th dport vmap @" + SERVICE_IPS,
                nodeportMatch + " meta l4proto . th dport vmap @" + SERVICE_NODEPORTS));
        chains.put("mark-for-masquerade", List.of("meta mark set meta mark | " + mark));
        chains.put("masquerading", List.of("meta mark & " + mark + " == 0 return", "meta mark set meta mark ^ " + mark,
                "masquerade fully-random"));
        chains.put("reject-chain", List.of("reject"));

        Map<ServicePort, NftRuleset> next = new HashMap<>();
        for (ServicePort sp : ports) {
            NftRuleset f = memo.get(sp);
            if (f == null) {
                f = render(sp);
            }
            next.put(sp, f);
            chains.putAll(f.chains());
            sets.putAll(f.sets());
            for (var e : f.elements().entrySet()) {
                elements.get(e.getKey()).putAll(e.getValue());
            }
        }
        memo = next;
        return new NftRuleset(chains, hooks, maps, elements, sets);
    }

    /** The chains, map elements and sets of one Service port. */
    private NftRuleset render(ServicePort sp) {
        LinkedHashMap<String, List<String>> chains = new LinkedHashMap<>();
        LinkedHashMap<String, LinkedHashMap<String, String>> elements = new LinkedHashMap<>();
        for (String m : List.of(SERVICE_IPS, SERVICE_NODEPORTS, NO_ENDPOINT_SERVICES, NO_ENDPOINT_NODEPORTS)) {
            elements.put(m, new LinkedHashMap<>());
        }
        LinkedHashMap<String, String> sets = new LinkedHashMap<>();
        {
            ServicePortName spn = sp.name();
            String p = sp.protocol().lower();
            String svc = names.service(spn);
            String local = names.local(spn);
            String ext = names.external(spn);
            List<Endpoint> clusterEps = sp.clusterPolicyEndpoints();
            List<Endpoint> localEps = sp.localPolicyEndpoints();
            boolean anyEndpoints = !sp.usableEndpoints().isEmpty();
            String noEndpointVerdict = anyEndpoints ? "drop" : "goto reject-chain";
            String vipKey = sp.clusterIp() + " . " + p + " . " + sp.port();

            if (!sp.internalEndpoints().isEmpty()) {
                elements.get(SERVICE_IPS).put(vipKey, "goto " + (sp.internalLocal() ? local : svc));
            } else {
                elements.get(NO_ENDPOINT_SERVICES).put(vipKey, noEndpointVerdict);
            }
            if (sp.hasExternal()) {
                boolean externalOk = !sp.externalEndpoints().isEmpty();
                List<String> ips = new ArrayList<>(sp.externalIps());
                ips.addAll(sp.loadBalancerIps());
                for (String ip : ips) {
                    String key = ip + " . " + p + " . " + sp.port();
                    if (externalOk) {
                        elements.get(SERVICE_IPS).put(key, "goto " + ext);
                    } else {
                        elements.get(NO_ENDPOINT_SERVICES).put(key, noEndpointVerdict);
                    }
                }
                if (sp.nodePort() > 0) {
                    String key = p + " . " + sp.nodePort();
                    if (externalOk) {
                        elements.get(SERVICE_NODEPORTS).put(key, "goto " + ext);
                    } else {
                        elements.get(NO_ENDPOINT_NODEPORTS).put(key, noEndpointVerdict);
                    }
                }
                if (externalOk) {
                    List<String> rules = new ArrayList<>();
                    if (!sp.externalPolicyLocal()) {
                        rules.add("jump mark-for-masquerade");
                        rules.add("goto " + svc);
                    } else {
                        String podAndLocal = clusterEps.isEmpty() ? local : svc;
                        if (settings.clusterCidr() != null) {
                            rules.add("ip saddr " + settings.clusterCidr() + " goto " + podAndLocal);
                        }
                        rules.add("fib saddr type local jump mark-for-masquerade");
                        rules.add("fib saddr type local goto " + podAndLocal);
                        rules.add("goto " + local);
                    }
                    chains.put(ext, rules);
                }
            }
            String masq = settings.clusterCidr() == null ? null
                    : "ip daddr " + sp.clusterIp() + " " + p + " dport " + sp.port() + " ip saddr != " + settings.clusterCidr()
                            + " jump mark-for-masquerade";
            if (!clusterEps.isEmpty()) {
                chains.put(svc, balance(names, sp, clusterEps, !sp.internalLocal() ? masq : null));
            }
            if (!localEps.isEmpty()) {
                chains.put(local, balance(names, sp, localEps, sp.internalLocal() ? masq : null));
            }
            for (Endpoint ep : sp.programmedEndpoints()) {
                List<String> rules = new ArrayList<>();
                rules.add("ip saddr " + ep.ip() + " jump mark-for-masquerade");
                if (sp.affinitySeconds() > 0) {
                    String set = names.affinity(spn, ep);
                    sets.put(set, "type ipv4_addr ; flags dynamic,timeout ; timeout " + sp.affinitySeconds() + "s ;");
                    rules.add("update @" + set + " { ip saddr }");
                }
                rules.add("meta l4proto " + p + " dnat to " + ep);
                chains.put(names.endpoint(spn, ep), rules);
            }
        }
        return new NftRuleset(chains, Map.of(), new LinkedHashMap<>(), elements, sets);
    }

    private static List<String> balance(NftNames names, ServicePort sp, List<Endpoint> eps, String masq) {
        List<String> rules = new ArrayList<>();
        if (masq != null) {
            rules.add(masq);
        }
        if (sp.affinitySeconds() > 0) {
            for (Endpoint ep : eps) {
                rules.add("ip saddr @" + names.affinity(sp.name(), ep) + " goto " + names.endpoint(sp.name(), ep));
            }
        }
        // Upstream uses one anonymous vmap per service (numgen random mod n vmap { i : goto ... }). On this kernel
        // every anonymous set costs ~2.5 ms of kernel time per transaction (10,000 Services: minutes), so the same
        // uniform choice is made with a rule per endpoint, probability 1/n, 1/(n-1), ..., as the iptables mode does.
        int n = eps.size();
        for (int i = 0; i < n; i++) {
            String target = "goto " + names.endpoint(sp.name(), eps.get(i));
            rules.add(i < n - 1 ? "numgen random mod " + (n - i) + " == 0 " + target : target);
        }
        return rules;
    }

    private static void base(LinkedHashMap<String, List<String>> chains, Map<String, String> hooks, String name,
            String hook, String... rules) {
        hooks.put(name, hook);
        chains.put(name, List.of(rules));
    }
}
