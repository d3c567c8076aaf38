package io.kybernetes.proxy.iptables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.ServicePort;

/**
 * Pure function from the Service ports to program (and what {@code iptables-save} shows now) to the text of ONE
 * {@code iptables-restore --noflush} call. The layout follows kube-proxy's iptables mode:
 * <pre>
 * nat:    OUTPUT, PREROUTING -&gt; KUBE-SERVICES -&gt; KUBE-SVC-x (per service port, statistic across endpoints)
 *                                              -&gt; KUBE-SEP-y (per endpoint: DNAT)
 *         POSTROUTING -&gt; KUBE-POSTROUTING (MASQUERADE packets KUBE-MARK-MASQ marked)
 * filter: OUTPUT, FORWARD -&gt; KUBE-SERVICES (REJECT for service ports without endpoints)
 * </pre>
 * Our chains are declared (and so flushed) and rewritten whole; chains of Services that went away are declared and
 * deleted with {@code -X} in the same transaction.
 */
public final class RuleGenerator {

    private RuleGenerator() {
    }

    public static String generate(RuleSettings settings, List<ServicePort> ports, SavedRules current) {
        ChainNames names = settings.chains();

        StringBuilder filter = new StringBuilder();
        filter.append("*filter\n");
        filter.append(':').append(names.services()).append(" - [0:0]\n");
        appendMissingJumps(filter, "filter", names, current);
        for (ServicePort sp : ports) {
            if (sp.endpoints().isEmpty()) {
                filter.append("-A ").append(names.services())
                        .append(comment(sp.name() + " has no endpoints"))
                        .append(match(sp)).append(" -j REJECT\n");
            }
        }
        filter.append("COMMIT\n");

        Set<String> chains = new LinkedHashSet<>();
        chains.add(names.services());
        chains.add(names.postrouting());
        chains.add(names.markMasq());
        List<String> rules = new ArrayList<>();
        rules.add("-A " + names.postrouting() + " -m mark ! --mark " + settings.markMask() + " -j RETURN");
        rules.add("-A " + names.postrouting() + " -j MARK --xor-mark " + settings.mark());
        rules.add("-A " + names.postrouting() + comment("kubernetes service traffic requiring SNAT")
                + " -j MASQUERADE --random-fully");
        rules.add("-A " + names.markMasq() + " -j MARK --or-mark " + settings.mark());

        List<String> serviceRules = new ArrayList<>();
        for (ServicePort sp : ports) {
            if (sp.endpoints().isEmpty()) {
                continue;
            }
            String svcChain = names.servicePort(sp.name());
            chains.add(svcChain);
            String clusterIp = comment(sp.name() + " cluster IP");
            rules.add("-A " + names.services() + clusterIp + match(sp) + " -j " + svcChain);
            if (settings.clusterCidr() != null) {
                serviceRules.add("-A " + svcChain + clusterIp + match(sp) + " ! -s " + settings.clusterCidr()
                        + " -j " + names.markMasq());
            }
            int n = sp.endpoints().size();
            for (int i = 0; i < n; i++) {
                Endpoint ep = sp.endpoints().get(i);
                String sepChain = names.endpoint(sp.name(), ep);
                chains.add(sepChain);
                String probability = i < n - 1
                        ? " -m statistic --mode random --probability " + String.format(Locale.ROOT, "%.10f", 1.0 / (n - i))
                        : "";
                serviceRules.add("-A " + svcChain + comment(sp.name() + " -> " + ep) + probability + " -j " + sepChain);
                String epComment = comment(sp.name().toString());
                serviceRules.add("-A " + sepChain + epComment + " -s " + ep.ip() + "/32 -j " + names.markMasq());
                serviceRules.add("-A " + sepChain + epComment + " -m " + sp.protocol().lower() + " -p "
                        + sp.protocol().lower() + " -j DNAT --to-destination " + ep);
            }
        }
        rules.addAll(serviceRules);

        Set<String> stale = new TreeSet<>();
        for (String existing : current.table("nat").chains()) {
            if (names.isServiceOrEndpointChain(existing) && !chains.contains(existing)) {
                stale.add(existing);
            }
        }

        StringBuilder nat = new StringBuilder();
        nat.append("*nat\n");
        for (String c : chains) {
            nat.append(':').append(c).append(" - [0:0]\n");
        }
        for (String c : stale) {
            nat.append(':').append(c).append(" - [0:0]\n");
        }
        appendMissingJumps(nat, "nat", names, current);
        for (String r : rules) {
            nat.append(r).append('\n');
        }
        for (String c : stale) {
            nat.append("-X ").append(c).append('\n');
        }
        nat.append("COMMIT\n");
        return filter.append(nat).toString();
    }

    private static void appendMissingJumps(StringBuilder out, String table, ChainNames names, SavedRules current) {
        for (JumpRule j : JumpRule.all(names)) {
            if (j.table().equals(table) && !current.table(table).hasJump(j.chain(), j.target())) {
                out.append(j.insertLine()).append('\n');
            }
        }
    }

    /** {@code -m tcp -p tcp -d 10.96.0.10/32 --dport 80}. */
    private static String match(ServicePort sp) {
        String p = sp.protocol().lower();
        return " -m " + p + " -p " + p + " -d " + sp.clusterIp() + "/32 --dport " + sp.port();
    }

    private static String comment(String text) {
        return " -m comment --comment \"" + text.replace("\"", "") + "\"";
    }
}
