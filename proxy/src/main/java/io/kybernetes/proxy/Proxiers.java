package io.kybernetes.proxy;

import java.util.List;

import io.kybernetes.proxy.exec.HostCommand;
import io.kybernetes.proxy.ipvs.IpvsProxier;
import io.kybernetes.proxy.nftables.ExecNft;
import io.kybernetes.proxy.nftables.NftProxier;

import io.kybernetes.proxy.iptables.ExecIptables;
import io.kybernetes.proxy.iptables.IptablesProxier;
import io.kybernetes.proxy.iptables.RuleSettings;

/** Picks the {@link Proxier} for {@code --proxy-mode}. */
public final class Proxiers {

    private Proxiers() {
    }

    /** Null when {@code mode} is supported, else why not. */
    public static String check(String mode) {
        if ("ipvs".equals(mode)) {
            return IpvsProxier.unavailable();
        }
        return mode == null || mode.isEmpty() || mode.equals("iptables") || mode.equals("nftables") ? null
                : "unsupported --proxy-mode \"" + mode + "\" (supported: iptables, nftables, ipvs)";
    }

    public static Proxier forMode(String mode, String chainPrefix, String clusterCidr, int masqueradeBit) {
        return forMode(mode, chainPrefix, clusterCidr, masqueradeBit, List.of(), new HostCommand(List.of()),
                ExecIptables.Backend.DEFAULT);
    }

    public static Proxier forMode(String mode, String chainPrefix, String clusterCidr, int masqueradeBit,
            List<String> nodePortIps, HostCommand host, ExecIptables.Backend backend) {
        switch (mode == null || mode.isEmpty() ? "iptables" : mode) {
            case "iptables":
                return new IptablesProxier(new ExecIptables(host, backend),
                        new RuleSettings(chainPrefix, clusterCidr, masqueradeBit, nodePortIps));
            case "nftables":
                return new NftProxier(new ExecNft(host), new RuleSettings(chainPrefix, clusterCidr, masqueradeBit, nodePortIps));
            case "ipvs":
                return new IpvsProxier(host, nodePortIps.isEmpty()
                        ? io.kybernetes.proxy.node.NodeAddresses.matching(List.of("0.0.0.0/0")).stream()
                                .filter(ip -> !ip.startsWith("127.")).toList()
                        : nodePortIps);
            default:
                throw new IllegalArgumentException("unsupported --proxy-mode \"" + mode + "\" (supported: iptables, nftables, ipvs)");
        }
    }

    public static Proxier forConfig(ProxyConfig c) {
        List<String> nodePortIps = io.kybernetes.proxy.node.NodeAddresses.matching(c.nodeportAddresses().orElse(List.of()));
        if (c.nodeportAddresses().isPresent() && nodePortIps.isEmpty()) {
            throw new IllegalArgumentException("no local address within --nodeport-addresses " + c.nodeportAddresses().get());
        }
        return forMode(c.proxyMode(), c.chainPrefix(), c.clusterCidr(), c.iptablesMasqueradeBit(), nodePortIps,
                HostCommand.withPrefix(c.execPrefix().orElse("")),
                ExecIptables.Backend.parse(c.iptablesBackend().orElse("")));
    }
}
