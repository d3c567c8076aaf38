package io.kybernetes.proxy.iptables;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * Pure function from the Service ports to the content of our chains, in kube-proxy's iptables layout:
 * <pre>
 * nat     PREROUTING, OUTPUT -&gt; KUBE-SERVICES: cluster IP -&gt; KUBE-SVC-x (or KUBE-SVL-x, internalTrafficPolicy Local)
 *                                             external IP, load balancer IP -&gt; KUBE-EXT-x
 *                                             last: local destination -&gt; KUBE-NODEPORTS: node port -&gt; KUBE-EXT-x
 *         KUBE-EXT-x: Cluster policy: mark for masquerade, -&gt; KUBE-SVC-x
 *                     Local policy: pod and LOCAL-source traffic -&gt; KUBE-SVC-x, the rest (unmasqueraded) -&gt; KUBE-SVL-x
 *         KUBE-SVC-x / KUBE-SVL-x: ClientIP affinity (-m recent), then statistic over endpoints -&gt; KUBE-SEP-y (DNAT)
 *         POSTROUTING -&gt; KUBE-POSTROUTING: MASQUERADE what KUBE-MARK-MASQ marked
 * filter  OUTPUT, FORWARD -&gt; KUBE-SERVICES: REJECT cluster IPs without endpoints (DROP: no local ones)
 *         INPUT, FORWARD -&gt; KUBE-EXTERNAL-SERVICES: the same for node ports, external and load balancer IPs
 *         INPUT -&gt; KUBE-NODEPORTS: ACCEPT health check node ports; FORWARD -&gt; KUBE-FORWARD: ACCEPT marked traffic
 * </pre>
 */
public final class RuleGenerator {

    static final String NODEPORTS_COMMENT = "kubernetes service nodeports; NOTE: this must be the last rule in this chain";

    private final RuleSettings settings;
    private final ChainNames n;
    /** The rules of each Service port of the last generation: an unchanged port is not rendered again. */
    private Map<ServicePort, Chains[]> memo = new HashMap<>();

    public RuleGenerator(RuleSettings settings) {
        this.settings = settings;
        this.n = settings.chains();
    }

    public static Ruleset generate(RuleSettings settings, List<ServicePort> ports) {
        return new RuleGenerator(settings).generate(ports);
    }

    public Ruleset generate(List<ServicePort> ports) {
        Chains filter = new Chains();
        Chains nat = new Chains();
        filter.declare(n.services());
        filter.declare(n.externalServices());
        filter.declare(n.nodePorts());
        filter.declare(n.forward());
        filter.add(n.forward(), comment("kubernetes forwarding rules") + " -m mark --mark " + settings.markMask() + " -j ACCEPT");
        filter.add(n.forward(), comment("kubernetes forwarding conntrack rule")
                + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

        nat.declare(n.services());
        nat.declare(n.nodePorts());
        nat.declare(n.postrouting());
        nat.declare(n.markMasq());
        nat.add(n.postrouting(), "-m mark ! --mark " + settings.markMask() + " -j RETURN");
        nat.add(n.postrouting(), "-j MARK --xor-mark " + settings.mark());
        nat.add(n.postrouting(), comment("kubernetes service traffic requiring SNAT") + " -j MASQUERADE --random-fully");
        nat.add(n.markMasq(), "-j MARK --or-mark " + settings.mark());

        Set<String> shared = new HashSet<>(filter.chains.keySet());
        shared.addAll(nat.chains.keySet());
        Map<ServicePort, Chains[]> next = new HashMap<>();
        for (ServicePort sp : ports) {
            Chains[] fragment = memo.get(sp);
            if (fragment == null) {
                fragment = render(sp);
            }
            next.put(sp, fragment);
            merge(filter, fragment[0], shared);
            merge(nat, fragment[1], shared);
        }
        memo = next;
        if (settings.nodePortIps().isEmpty()) {
            nat.add(n.services(), comment(NODEPORTS_COMMENT) + " -m addrtype --dst-type LOCAL -j " + n.nodePorts());
        } else {
            for (String ip : settings.nodePortIps()) {
                nat.add(n.services(), comment(NODEPORTS_COMMENT) + " -d " + ip + "/32 -j " + n.nodePorts());
            }
        }
        Map<String, LinkedHashMap<String, List<String>>> tables = new LinkedHashMap<>();
        tables.put("filter", filter.chains);
        tables.put("nat", nat.chains);
        return new Ruleset(tables);
    }

    /** Adds a port's rules: appended to the shared chains (a health check rule only once), its own chains as is. */
    private static void merge(Chains into, Chains fragment, Set<String> shared) {
        for (var e : fragment.chains.entrySet()) {
            if (!shared.contains(e.getKey())) {
                into.chains.put(e.getKey(), e.getValue());
                continue;
            }
            List<String> rules = into.chains.get(e.getKey());
            for (String r : e.getValue()) {
                if (!r.endsWith(" -j ACCEPT") || !rules.contains(r)) {
                    rules.add(r);
                }
            }
        }
    }

    /** The filter [0] and nat [1] rules of one Service port. */
    private Chains[] render(ServicePort sp) {
        Chains filter = new Chains();
        Chains nat = new Chains();
        {
            ServicePortName spn = sp.name();
            String p = sp.protocol().lower();
            String svc = n.servicePort(spn);
            String svl = n.localPolicy(spn);
            String ext = n.external(spn);
            List<Endpoint> clusterEps = sp.clusterPolicyEndpoints();
            List<Endpoint> localEps = sp.localPolicyEndpoints();
            boolean anyEndpoints = !sp.usableEndpoints().isEmpty();
            String clusterIpMatch = " -m " + p + " -p " + p + " -d " + sp.clusterIp() + "/32 --dport " + sp.port();

            // cluster IP
            String internalChain = sp.internalLocal() ? svl : svc;
            if (!sp.internalEndpoints().isEmpty()) {
                nat.add(n.services(), comment(spn + " cluster IP") + clusterIpMatch + " -j " + internalChain);
            } else {
                filter.add(n.services(), noEndpoints(spn, anyEndpoints) + clusterIpMatch + target(anyEndpoints));
            }

            // external destinations
            if (sp.hasExternal()) {
                boolean externalOk = !sp.externalEndpoints().isEmpty();
                for (String ip : sp.externalIps()) {
                    String m = " -m " + p + " -p " + p + " -d " + ip + "/32 --dport " + sp.port();
                    if (externalOk) {
                        nat.add(n.services(), comment(spn + " external IP") + m + " -j " + ext);
                    } else {
                        filter.add(n.externalServices(), noEndpoints(spn, anyEndpoints) + m + target(anyEndpoints));
                    }
                }
                for (String ip : sp.loadBalancerIps()) {
                    String m = " -m " + p + " -p " + p + " -d " + ip + "/32 --dport " + sp.port();
                    if (externalOk) {
                        nat.add(n.services(), comment(spn + " loadbalancer IP") + m + " -j " + ext);
                    } else {
                        filter.add(n.externalServices(), noEndpoints(spn, anyEndpoints) + m + target(anyEndpoints));
                    }
                }
                if (sp.nodePort() > 0) {
                    String m = " -m " + p + " -p " + p + " --dport " + sp.nodePort();
                    if (externalOk) {
                        nat.add(n.nodePorts(), comment(spn.toString()) + m + " -j " + ext);
                    } else {
                        filter.add(n.externalServices(), noEndpoints(spn, anyEndpoints) + " -m addrtype --dst-type LOCAL"
                                + m + target(anyEndpoints));
                    }
                }
                if (externalOk) {
                    nat.declare(ext);
                    if (!sp.externalPolicyLocal()) {
                        nat.add(ext, comment("masquerade traffic for " + spn + " external destinations")
                                + " -j " + n.markMasq());
                        nat.add(ext, "-j " + svc);
                    } else {
                        // pods and the node itself may use any endpoint; others keep their source IP and stay local
                        String podAndLocalTarget = clusterEps.isEmpty() ? svl : svc;
                        if (settings.clusterCidr() != null) {
                            nat.add(ext, comment("pod traffic for " + spn + " external destinations") + " -s "
                                    + settings.clusterCidr() + " -j " + podAndLocalTarget);
                        }
                        nat.add(ext, comment("masquerade LOCAL traffic for " + spn + " external destinations")
                                + " -m addrtype --src-type LOCAL -j " + n.markMasq());
                        nat.add(ext, comment("route LOCAL traffic for " + spn + " external destinations")
                                + " -m addrtype --src-type LOCAL -j " + podAndLocalTarget);
                        nat.add(ext, "-j " + svl);
                    }
                }
                if (sp.healthCheckNodePort() > 0) {
                    filter.add(n.nodePorts(), comment(spn.namespace() + "/" + spn.name() + " health check node port")
                            + " -m tcp -p tcp --dport " + sp.healthCheckNodePort() + " -j ACCEPT");
                }
            }

            // policy chains
            if (!clusterEps.isEmpty()) {
                nat.declare(svc);
                if (!sp.internalLocal()) {
                    masqueradeOffCluster(nat, settings, svc, spn, clusterIpMatch);
                }
                balance(nat, n, sp, svc, clusterEps);
            }
            if (!localEps.isEmpty()) {
                nat.declare(svl);
                if (sp.internalLocal()) {
                    masqueradeOffCluster(nat, settings, svl, spn, clusterIpMatch);
                }
                balance(nat, n, sp, svl, localEps);
            }
            for (Endpoint ep : sp.programmedEndpoints()) {
                String sep = n.endpoint(spn, ep);
                nat.declare(sep);
                nat.add(sep, comment(spn.toString()) + " -s " + ep.ip() + "/32 -j " + n.markMasq());
                String affinity = sp.affinitySeconds() > 0 ? " -m recent --name " + sep + " --set" : "";
                nat.add(sep, comment(spn.toString()) + affinity + " -m " + p + " -p " + p + " -j DNAT --to-destination " + ep);
            }
        }
        return new Chains[] {filter, nat};
    }

    private static void masqueradeOffCluster(Chains nat, RuleSettings settings, String chain, ServicePortName spn,
            String clusterIpMatch) {
        if (settings.clusterCidr() != null) {
            nat.add(chain, comment(spn + " cluster IP") + clusterIpMatch + " ! -s " + settings.clusterCidr()
                    + " -j " + settings.chains().markMasq());
        }
    }

    /** ClientIP affinity first (a recent source goes back to its endpoint), then 1/n, 1/(n-1), ..., the rest. */
    private static void balance(Chains nat, ChainNames n, ServicePort sp, String chain, List<Endpoint> eps) {
        if (sp.affinitySeconds() > 0) {
            for (Endpoint ep : eps) {
                String sep = n.endpoint(sp.name(), ep);
                nat.add(chain, comment(sp.name() + " -> " + ep) + " -m recent --name " + sep + " --rcheck --seconds "
                        + sp.affinitySeconds() + " --reap -j " + sep);
            }
        }
        int count = eps.size();
        for (int i = 0; i < count; i++) {
            Endpoint ep = eps.get(i);
            String probability = i < count - 1
                    ? " -m statistic --mode random --probability " + String.format(Locale.ROOT, "%.10f", 1.0 / (count - i))
                    : "";
            nat.add(chain, comment(sp.name() + " -> " + ep) + probability + " -j " + n.endpoint(sp.name(), ep));
        }
    }

    private static String noEndpoints(ServicePortName spn, boolean anyEndpoints) {
        return comment(spn + (anyEndpoints ? " has no local endpoints" : " has no endpoints"));
    }

    /** No endpoints at all: REJECT (the client learns at once); endpoints only elsewhere under a Local policy: DROP. */
    private static String target(boolean anyEndpoints) {
        return anyEndpoints ? " -j DROP" : " -j REJECT";
    }

    static String comment(String text) {
        return "-m comment --comment \"" + text.replace("\"", "") + "\"";
    }

    /** Ordered chains of one table; {@code add} takes the rule without {@code -A CHAIN}. */
    private static final class Chains {
        final LinkedHashMap<String, List<String>> chains = new LinkedHashMap<>();

        void declare(String chain) {
            chains.computeIfAbsent(chain, c -> new ArrayList<>());
        }

        void add(String chain, String rule) {
            chains.computeIfAbsent(chain, c -> new ArrayList<>()).add("-A " + chain + " " + rule);
        }
    }
}
