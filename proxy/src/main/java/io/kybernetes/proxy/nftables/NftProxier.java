package io.kybernetes.proxy.nftables;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.iptables.RuleSettings;
import io.kybernetes.proxy.service.ServicePort;

/**
 * The nftables mode: everything lives in one table ({@code ip kube-proxy}); a full sync rewrites it in one
 * {@code nft -f} transaction, deleting chains and sets no longer wanted (listed from the kernel the first time and
 * after a failure, else known from the last successful write); a partial sync sends only the difference from the
 * last successful write. A failed write forces the next sync to be full.
 */
public final class NftProxier implements Proxier {

    private static final Logger LOG = Logger.getLogger(NftProxier.class);

    private final Nft nft;
    private final RuleSettings settings;
    private final NftNames names;
    private final NftRuleGenerator generator;
    private NftRuleset written;

    public NftProxier(Nft nft, RuleSettings settings) {
        this.nft = nft;
        this.settings = settings;
        this.names = new NftNames(settings.chainPrefix());
        this.generator = new NftRuleGenerator(settings, names);
    }

    @Override
    public synchronized void sync(List<ServicePort> ports, boolean full) throws NftException {
        NftRuleset desired = generator.generate(ports);
        String script;
        if (written == null) {
            // first sync or after a failure: list what the kernel really has
            Set<String> chains = new LinkedHashSet<>();
            Set<String> sets = new LinkedHashSet<>();
            parseListing(nft.listChainsAndSets(), names.table(), chains, sets);
            script = NftScript.full(names.table(), desired, chains, sets);
        } else if (full) {
            script = NftScript.full(names.table(), desired, written.chains().keySet(), written.sets().keySet());
        } else {
            script = NftScript.partial(names.table(), written, desired);
        }
        if (LOG.isTraceEnabled()) {
            LOG.tracef("nft -f input:%n%s", script);
        }
        written = null;
        if (!script.isEmpty()) {
            nft.apply(script);
        }
        written = desired;
    }

    @Override
    public synchronized void cleanup() throws NftException {
        written = null;
        nft.apply(NftScript.cleanup(names.table()));
    }

    /** The chain and set names of {@code table} in {@code nft list chains/sets} output. */
    static void parseListing(String listing, String table, Set<String> chains, Set<String> sets) {
        boolean inTable = false;
        for (String raw : listing.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("table ")) {
                inTable = line.equals("table ip " + table + " {");
            } else if (inTable && line.startsWith("chain ") && line.endsWith("{")) {
                chains.add(line.substring(6, line.length() - 1).strip());
            } else if (inTable && line.startsWith("set ") && line.endsWith("{")) {
                sets.add(line.substring(4, line.length() - 1).strip());
            }
        }
    }
}
