package io.kybernetes.proxy.iptables;

import java.util.List;

import org.jboss.logging.Logger;

import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.service.ServicePort;

/** The iptables mode: per sync one {@code iptables-save} (to see stale chains and jumps) and ONE restore. */
public final class IptablesProxier implements Proxier {

    private static final Logger LOG = Logger.getLogger(IptablesProxier.class);

    private final Iptables iptables;
    private final RuleSettings settings;

    public IptablesProxier(Iptables iptables, RuleSettings settings) {
        this.iptables = iptables;
        this.settings = settings;
    }

    @Override
    public void sync(List<ServicePort> ports) throws IptablesException {
        SavedRules current = SavedRules.parse(iptables.save());
        String rules = RuleGenerator.generate(settings, ports, current);
        if (LOG.isTraceEnabled()) {
            LOG.tracef("iptables-restore input:%n%s", rules);
        }
        iptables.restore(rules);
    }

    @Override
    public void cleanup() throws IptablesException {
        String rules = CleanupRules.generate(settings.chains(), SavedRules.parse(iptables.save()));
        if (!rules.isEmpty()) {
            LOG.debugf("cleanup iptables-restore input:%n%s", rules);
            iptables.restore(rules);
        }
    }
}
