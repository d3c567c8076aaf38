package io.kybernetes.proxy.nftables;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kybernetes.proxy.iptables.RuleSettings;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * Pure function from the Service ports to the content of our {@code ip kube-proxy} table, in upstream's nftables
 * layout: destination lookups are verdict maps, not rule lists, so a packet costs one lookup however many
 * Services there are.
 * <pre>
 * nat-prerouting, nat-output -&gt; services: ip daddr . l4proto . dport vmap @service-ips     (cluster, external, LB IPs)
 *                                     local destination: l4proto . dport vmap @service-nodeports
 * service-X / local-X: masquerade off-cluster sources, then
 *                      dnat ip to numgen random mod n offset B map @endpoint-slots-PROTO (slot B+i -&gt; endpoint i's ip . port)
 *                      with ClientIP affinity instead: ip saddr @affinity-Y goto endpoint-Y,
 *                      numgen random mod n == 0 goto endpoint-1, mod n-1 ..., goto endpoint-n
 * external-X: Cluster policy: mark for masquerade, goto service-X; Local: pods and LOCAL sources -&gt; service-X,
 *             the rest -&gt; local-X
 * endpoint-Y (affinity only): hairpin masquerade, update @affinity-Y, dnat
 * filter-input/forward/output (new connections): vmap @no-endpoint-services / @no-endpoint-nodeports -&gt;
 *             goto reject-chain (no endpoints) or drop (no local endpoints under a Local policy)
 * nat-postrouting -&gt; masquerading: hairpin (ct status dnat ip saddr . ip daddr @endpoint-hairpin), then
 *             masquerade what mark-for-masquerade marked
 * </pre>
 * Why slots: an endpoint change must be cheap. {@code nft} 1.0.6 reads every chain of the table before any rule or
 * element command, and a transaction that adds rules with jumps makes the kernel validate the table's whole jump
 * graph, so rewriting a chain per endpoint change costs about a second at 10,000 Services (README, Benchmark),
 * while an element update in a named map of a table with few chains costs a few tens of milliseconds. So the
 * endpoints of every balancing chain live in ONE named map per protocol, {@code endpoint-slots-tcp}, in a block of slots of their own:
 * an endpoint that changes address or port is one element replaced, no chain touched. The rule's modulus is the
 * endpoint count itself (an exact uniform choice, as upstream's {@code numgen random mod n vmap}); a rounded-up
 * bucket with empty slots would need a biased fallback for the empty draws. So a changed endpoint COUNT rewrites
 * that one chain's one rule (no new jump: the chain is flushed and refilled), measured as cheap as the elements.
 * Upstream's per-endpoint chains remain for sessionAffinity ClientIP: their per-endpoint affinity sets are the
 * memory of which client went where, and a map from client to endpoint could not forget one endpoint's clients.
 */
public final class NftRuleGenerator {

    public static final String SERVICE_IPS = "service-ips";
    public static final String SERVICE_NODEPORTS = "service-nodeports";
    public static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
    public static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
    public static final String NODEPORT_IPS = "nodeport-ips";
    /** One slot map per protocol: nft 1.0.6 cannot re-read a map declared with {@code th dport} (conflicting protocols). */
    public static final String ENDPOINT_SLOTS = "endpoint-slots-";
    public static final String HAIRPIN = "endpoint-hairpin";
    /** Slots per balancing chain: 2^16 endpoints each, 2^16 chains in the 32-bit numgen key space. */
    static final int SLOT_BITS = 16;
    static final int SLOTS_PER_BLOCK = 1 << SLOT_BITS;
    static final int BLOCKS = 1 << (32 - SLOT_BITS);

    private final RuleSettings settings;
    private final NftNames names;
    /** The chains, elements and sets of each Service port of the last generation (an unchanged port is reused). */
    private Map<ServicePort, NftRuleset> memo = new HashMap<>();
    /** Balancing chain -> its block of {@link #ENDPOINT_SLOTS}, kept while the chain exists (memoized renderings use it). */
    private final Map<String, Integer> blocks = new HashMap<>();
    private final BitSet usedBlocks = new BitSet(BLOCKS);
    /** The last generation, for the sizes of the next one. */
    private NftRuleset last;

    public NftRuleGenerator(RuleSettings settings, NftNames names) {
        this.settings = settings;
        this.names = names;
    }

    public static NftRuleset generate(RuleSettings settings, NftNames names, List<ServicePort> ports) {
        return new NftRuleGenerator(settings, names).generate(ports);
    }

    public NftRuleset generate(List<ServicePort> ports) {
        // sized as the last generation: growing maps of 100,000 entries step by step was a third of a partial sync
        LinkedHashMap<String, List<String>> chains = sized(last == null ? 0 : last.chains().size());
        Map<String, String> hooks = new LinkedHashMap<>();
        LinkedHashMap<String, String> maps = new LinkedHashMap<>();
        LinkedHashMap<String, LinkedHashMap<String, String>> elements = new LinkedHashMap<>() {
            @Override
            public LinkedHashMap<String, String> put(String name, LinkedHashMap<String, String> empty) {
                Map<String, String> was = last == null ? null : last.elements().get(name);
                return super.put(name, was == null ? empty : sized(was.size()));
            }
        };
        LinkedHashMap<String, String> sets = sized(last == null ? 0 : last.sets().size());
        String mark = settings.mark();
        boolean allLocal = settings.nodePortIps().isEmpty();
        String nodeportMatch = allLocal ? "fib daddr type local ip daddr != 127.0.0.0/8" : "ip daddr @" + NODEPORT_IPS;

        maps.put(SERVICE_IPS, "type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ;");
        maps.put(SERVICE_NODEPORTS, "type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ;");
        maps.put(NO_ENDPOINT_SERVICES, "type ipv4_addr . inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to services with no endpoints\" ;");
        maps.put(NO_ENDPOINT_NODEPORTS, "type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ;");
        for (Protocol proto : Protocol.values()) {
            maps.put(slotMap(proto), "typeof numgen random mod 1 : ip daddr . " + proto.lower()
                    + " dport ; comment \"balancing slot to endpoint address and port\" ;");
        }
        for (String m : maps.keySet()) {
            elements.put(m, new LinkedHashMap<>());
        }
        sets.put(HAIRPIN, "type ipv4_addr . ipv4_addr ; comment \"endpoint to itself through a Service: masquerade\" ;");
        elements.put(HAIRPIN, new LinkedHashMap<>());
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
        chains.put("masquerading", List.of("ct status dnat ip saddr . ip daddr @" + HAIRPIN + " jump mark-for-masquerade",
                "meta mark & " + mark + " == 0 return", "meta mark set meta mark ^ " + mark,
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
        // a block is free again once its chain is gone (a chain that comes back gets a block, maybe another one)
        blocks.entrySet().removeIf(b -> {
            if (chains.containsKey(b.getKey())) {
                return false;
            }
            usedBlocks.clear(b.getValue());
            return true;
        });
        last = new NftRuleset(chains, hooks, maps, new LinkedHashMap<>(elements), sets);
        return last;
    }

    private static <V> LinkedHashMap<String, V> sized(int entries) {
        return new LinkedHashMap<>(Math.max(16, entries * 4 / 3 + 1));
    }

    /** The chains, map elements and sets of one Service port. */
    private NftRuleset render(ServicePort sp) {
        LinkedHashMap<String, List<String>> chains = new LinkedHashMap<>();
        LinkedHashMap<String, LinkedHashMap<String, String>> elements = new LinkedHashMap<>();
        for (String m : List.of(SERVICE_IPS, SERVICE_NODEPORTS, NO_ENDPOINT_SERVICES, NO_ENDPOINT_NODEPORTS, HAIRPIN)) {
            elements.put(m, new LinkedHashMap<>());
        }
        for (Protocol proto : Protocol.values()) {
            elements.put(slotMap(proto), new LinkedHashMap<>());
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
            boolean slots = sp.affinitySeconds() == 0 && sp.programmedEndpoints().size() <= SLOTS_PER_BLOCK;
            int svcBlock = -1;
            int localBlock = -1;
            if (slots && !clusterEps.isEmpty()) {
                svcBlock = block(svc);
                slots = svcBlock >= 0;
            }
            if (slots && !localEps.isEmpty()) {
                localBlock = block(local);
                slots = localBlock >= 0;
            }
            if (slots) {
                if (!clusterEps.isEmpty()) {
                    chains.put(svc, slotBalance(sp, clusterEps, svcBlock, !sp.internalLocal() ? masq : null, elements));
                }
                if (!localEps.isEmpty()) {
                    chains.put(local, slotBalance(sp, localEps, localBlock, sp.internalLocal() ? masq : null, elements));
                }
                for (Endpoint ep : sp.programmedEndpoints()) {
                    elements.get(HAIRPIN).put(ep.ip() + " . " + ep.ip(), "");
                }
                return new NftRuleset(chains, Map.of(), new LinkedHashMap<>(), elements, sets);
            }
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

    /** The slot map of a protocol: {@code endpoint-slots-tcp}, {@code -udp}, {@code -sctp}. */
    public static String slotMap(Protocol protocol) {
        return ENDPOINT_SLOTS + protocol.lower();
    }

    /** The block of {@link #ENDPOINT_SLOTS} of a balancing chain: its own while it exists, else the lowest free; -1 when none is left. */
    private int block(String chain) {
        Integer b = blocks.get(chain);
        if (b == null) {
            int free = usedBlocks.nextClearBit(0);
            if (free >= BLOCKS) {
                return -1;
            }
            usedBlocks.set(free);
            blocks.put(chain, free);
            b = free;
        }
        return b;
    }

    /** masquerade off-cluster sources, then one dnat through this chain's slots: slot offset+i holds endpoint i. */
    private static List<String> slotBalance(ServicePort sp, List<Endpoint> eps, int block, String masq,
            LinkedHashMap<String, LinkedHashMap<String, String>> elements) {
        List<String> rules = new ArrayList<>();
        if (masq != null) {
            rules.add(masq);
        }
        long offset = (long) block << SLOT_BITS;
        String map = slotMap(sp.protocol());
        rules.add("meta l4proto " + sp.protocol().lower() + " dnat ip to numgen random mod " + eps.size() + " offset " + offset
                + " map @" + map);
        for (int i = 0; i < eps.size(); i++) {
            elements.get(map).put(Long.toString(offset + i), eps.get(i).ip() + " . " + eps.get(i).port());
        }
        return rules;
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
