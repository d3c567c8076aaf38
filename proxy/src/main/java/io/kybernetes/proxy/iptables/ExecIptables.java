package io.kybernetes.proxy.iptables;

import java.util.List;

import io.kybernetes.proxy.exec.HostCommand;

/** Runs {@code iptables-save} and {@code iptables-restore} (waiting for the xtables lock, as kube-proxy does). */
public final class ExecIptables implements Iptables {

    private final HostCommand host;

    public ExecIptables() {
        this(new HostCommand(List.of()));
    }

    public ExecIptables(HostCommand host) {
        this.host = host;
    }

    @Override
    public String save() throws IptablesException {
        try {
            return host.run(List.of("iptables-save"), null);
        } catch (HostCommand.Failure e) {
            throw new IptablesException(e.getMessage(), e);
        }
    }

    @Override
    public void restore(String rules) throws IptablesException {
        try {
            host.run(List.of("iptables-restore", "--noflush", "--wait", "5"), rules);
        } catch (HostCommand.Failure e) {
            throw new IptablesException(e.getMessage(), e);
        }
    }
}
