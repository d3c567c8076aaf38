package io.kybernetes.proxy;

import io.kybernetes.proxy.iptables.ExecIptables;
import io.kybernetes.proxy.iptables.IptablesProxier;
import io.kybernetes.proxy.iptables.RuleSettings;

/** Picks the {@link Proxier} for {@code --proxy-mode}. */
public final class Proxiers {

    private Proxiers() {
    }

    /** Null when {@code mode} is supported, else why not. */
    public static String check(String mode) {
        return mode == null || mode.isEmpty() || mode.equals("iptables") ? null
                : "unsupported --proxy-mode \"" + mode + "\" (supported: iptables)";
    }

    public static Proxier forMode(String mode, String chainPrefix, String clusterCidr, int masqueradeBit) {
        switch (mode == null || mode.isEmpty() ? "iptables" : mode) {
            case "iptables":
                return new IptablesProxier(new ExecIptables(), new RuleSettings(chainPrefix, clusterCidr, masqueradeBit));
            default:
                throw new IllegalArgumentException("unsupported --proxy-mode \"" + mode + "\" (supported: iptables)");
        }
    }

    public static Proxier forConfig(ProxyConfig c) {
        return forMode(c.proxyMode(), c.chainPrefix(), c.clusterCidr(), c.iptablesMasqueradeBit());
    }
}
