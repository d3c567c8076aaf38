package io.kybernetes.proxy.iptables;

import java.util.List;

/**
 * A rule in a built-in chain that sends traffic into one of ours. Built-in chains are never flushed, so the
 * proxier inserts these only when {@code iptables-save} does not show them, and {@code --cleanup} deletes them.
 */
record JumpRule(String table, String chain, String target, String matches) {

    static List<JumpRule> all(ChainNames c) {
        String portals = "-m comment --comment \"kubernetes service portals\"";
        String newPortals = "-m conntrack --ctstate NEW " + portals;
        return List.of(
                new JumpRule("filter", "OUTPUT", c.services(), newPortals),
                new JumpRule("filter", "FORWARD", c.services(), newPortals),
                new JumpRule("nat", "OUTPUT", c.services(), portals),
                new JumpRule("nat", "PREROUTING", c.services(), portals),
                new JumpRule("nat", "POSTROUTING", c.postrouting(), "-m comment --comment \"kubernetes postrouting rules\""));
    }

    /** Insert at the top, as kube-proxy does, so our rules win over later ones. */
    String insertLine() {
        return "-I " + chain + " 1 " + matches + " -j " + target;
    }
}
