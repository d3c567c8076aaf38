package io.kybernetes.proxy.iptables;

import java.util.List;

/**
 * What shapes the generated rules besides the Services: the chain prefix ({@code KUBE}), the cluster CIDR
 * (traffic to a ClusterIP from outside it is masqueraded), the fwmark bit that flags packets to masquerade, and the
 * node addresses that accept node ports (empty: every local address, {@code --nodeport-addresses} unset).
 */
public record RuleSettings(String chainPrefix, String clusterCidr, int masqueradeBit, List<String> nodePortIps) {

    public RuleSettings {
        if (masqueradeBit < 0 || masqueradeBit > 31) {
            throw new IllegalArgumentException("masquerade bit must be within 0..31: " + masqueradeBit);
        }
        if (clusterCidr != null && clusterCidr.isBlank()) {
            clusterCidr = null;
        }
        nodePortIps = List.copyOf(nodePortIps);
    }

    public RuleSettings(String chainPrefix, String clusterCidr, int masqueradeBit) {
        this(chainPrefix, clusterCidr, masqueradeBit, List.of());
    }

    public ChainNames chains() {
        return new ChainNames(chainPrefix);
    }

    /** {@code 0x4000/0x4000} for bit 14. */
    public String markMask() {
        String m = "0x" + Integer.toHexString(1 << masqueradeBit);
        return m + "/" + m;
    }

    public String mark() {
        return "0x" + Integer.toHexString(1 << masqueradeBit);
    }
}
