package io.kybernetes.proxy.iptables;

import java.util.List;

/**
 * A rule in a built-in chain that sends traffic into one of ours. Built-in chains are never flushed, so the
 * proxier inserts these only when {@code iptables-save} does not show them, and {@code --cleanup} deletes them.
 */
record JumpRule(String table, String chain, String target, String matches) {

    static List<JumpRule> all(ChainNames c) {
        String newState = "-m conntrack --ctstate NEW ";
        String portals = "-m comment --comment \"kubernetes service portals\"";
        String external = "-m comment --comment \"kubernetes externally-visible service portals\"";
        return List.of(
                new JumpRule("filter", "INPUT", c.nodePorts(), "-m comment --comment \"kubernetes health check service ports\""),
                new JumpRule("filter", "INPUT", c.externalServices(), newState + external),
                new JumpRule("filter", "FORWARD", c.forward(), "-m comment --comment \"kubernetes forwarding rules\""),
                new JumpRule("filter", "FORWARD", c.services(), newState + portals),
                new JumpRule("filter", "FORWARD", c.externalServices(), newState + external),
                new JumpRule("filter", "OUTPUT", c.services(), newState + portals),
                new JumpRule("nat", "OUTPUT", c.services(), portals),
                new JumpRule("nat", "PREROUTING", c.services(), portals),
                new JumpRule("nat", "POSTROUTING", c.postrouting(), "-m comment --comment \"kubernetes postrouting rules\""));
    }

    /** Insert at the top, as kube-proxy does, so our rules win over later ones. */
    String insertLine() {
        return "-I " + chain + " 1 " + matches + " -j " + target;
    }
}
