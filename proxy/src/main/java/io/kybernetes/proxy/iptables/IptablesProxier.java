package io.kybernetes.proxy.iptables;

import java.util.List;

import org.jboss.logging.Logger;

import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.service.ServicePort;

/**
 * The iptables mode. A full sync runs {@code iptables-save} (stale chains, missing jumps) and rewrites all our
 * chains in ONE restore; a partial sync rewrites only the chains that changed since the last successful write,
 * without reading the kernel's state. A failed write forces the next sync to be full.
 */
public final class IptablesProxier implements Proxier {

    private static final Logger LOG = Logger.getLogger(IptablesProxier.class);

    private final Iptables iptables;
    private final RuleSettings settings;
    private Ruleset written;

    public IptablesProxier(Iptables iptables, RuleSettings settings) {
        this.iptables = iptables;
        this.settings = settings;
    }

    @Override
    public synchronized void sync(List<ServicePort> ports, boolean full) throws IptablesException {
        Ruleset desired = RuleGenerator.generate(settings, ports);
        String rules = full || written == null
                ? RestoreText.full(settings.chains(), desired, SavedRules.parse(iptables.save()))
                : RestoreText.partial(written, desired);
        if (LOG.isTraceEnabled()) {
            LOG.tracef("iptables-restore input:%n%s", rules);
        }
        written = null;
        if (!rules.isEmpty()) {
            iptables.restore(rules);
        }
        written = desired;
    }

    @Override
    public synchronized void cleanup() throws IptablesException {
        written = null;
        String rules = CleanupRules.generate(settings.chains(), SavedRules.parse(iptables.save()));
        if (!rules.isEmpty()) {
            LOG.debugf("cleanup iptables-restore input:%n%s", rules);
            iptables.restore(rules);
        }
    }
}
