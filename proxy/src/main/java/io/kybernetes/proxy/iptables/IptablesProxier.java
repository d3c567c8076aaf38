package io.kybernetes.proxy.iptables;

import java.util.List;

import org.jboss.logging.Logger;

import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.service.ServicePort;

/**
 * The iptables mode. A full sync rewrites all our chains in ONE restore; the first one (and the first after a
 * failure) runs {@code iptables-save} before, to delete stale chains and insert missing jumps; later ones take
 * that from the last successful write. A partial sync rewrites only the chains that changed since then.
 */
public final class IptablesProxier implements Proxier {

    private static final Logger LOG = Logger.getLogger(IptablesProxier.class);

    private final Iptables iptables;
    private final RuleSettings settings;
    private final RuleGenerator generator;
    private Ruleset written;

    public IptablesProxier(Iptables iptables, RuleSettings settings) {
        this.iptables = iptables;
        this.settings = settings;
        this.generator = new RuleGenerator(settings);
    }

    @Override
    public synchronized void sync(List<ServicePort> ports, boolean full) throws IptablesException {
        Ruleset desired = generator.generate(ports);
        String rules;
        if (written == null) {
            // first sync or after a failure: read what the kernel really has
            rules = RestoreText.full(settings.chains(), desired, SavedRules.parse(iptables.save()));
        } else if (full) {
            rules = RestoreText.full(settings.chains(), desired, SavedRules.fromWritten(written, settings.chains()));
        } else {
            rules = RestoreText.partial(written, desired);
        }
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
