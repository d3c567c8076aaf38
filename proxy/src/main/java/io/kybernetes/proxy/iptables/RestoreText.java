package io.kybernetes.proxy.iptables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure functions from a {@link Ruleset} to the text of ONE {@code iptables-restore --noflush}.
 * <ul>
 * <li>full: every chain of ours is declared (so flushed) and rewritten; service chains that
 * {@code iptables-save} shows but the ruleset lacks are flushed and deleted; missing jumps from built-in chains
 * are inserted.</li>
 * <li>partial: only the chains whose rules differ from the previous (successfully written) ruleset are rewritten,
 * and the chains it had that are gone now are deleted, as upstream's partial syncs do.</li>
 * </ul>
 */
public final class RestoreText {

    private RestoreText() {
    }

    public static String full(ChainNames names, Ruleset desired, SavedRules current) {
        StringBuilder out = new StringBuilder(desired.ruleCount() * 120 + 256);
        for (var entry : desired.tables().entrySet()) {
            String table = entry.getKey();
            Map<String, List<String>> chains = entry.getValue();
            Set<String> stale = new TreeSet<>();
            for (String existing : current.table(table).chains()) {
                if (names.isServiceOrEndpointChain(existing) && !chains.containsKey(existing)) {
                    stale.add(existing);
                }
            }
            out.append('*').append(table).append('\n');
            for (String c : chains.keySet()) {
                out.append(':').append(c).append(" - [0:0]\n");
            }
            for (String c : stale) {
                out.append(':').append(c).append(" - [0:0]\n");
            }
            for (JumpRule j : JumpRule.all(names)) {
                if (j.table().equals(table) && !current.table(table).hasJump(j.chain(), j.target())) {
                    out.append(j.insertLine()).append('\n');
                }
            }
            for (List<String> rules : chains.values()) {
                for (String r : rules) {
                    out.append(r).append('\n');
                }
            }
            for (String c : stale) {
                out.append("-X ").append(c).append('\n');
            }
            out.append("COMMIT\n");
        }
        return out.toString();
    }

    /** The restore text that turns {@code previous} into {@code desired}; empty when nothing changed. */
    public static String partial(Ruleset previous, Ruleset desired) {
        StringBuilder out = new StringBuilder();
        for (var entry : desired.tables().entrySet()) {
            String table = entry.getKey();
            LinkedHashMap<String, List<String>> was = previous.table(table);
            Map<String, List<String>> now = entry.getValue();
            StringBuilder declare = new StringBuilder();
            StringBuilder rules = new StringBuilder();
            StringBuilder delete = new StringBuilder();
            for (var chain : now.entrySet()) {
                if (!Objects.equals(was.get(chain.getKey()), chain.getValue())) {
                    declare.append(':').append(chain.getKey()).append(" - [0:0]\n");
                    for (String r : chain.getValue()) {
                        rules.append(r).append('\n');
                    }
                }
            }
            for (String old : was.keySet()) {
                if (!now.containsKey(old)) {
                    declare.append(':').append(old).append(" - [0:0]\n");
                    delete.append("-X ").append(old).append('\n');
                }
            }
            if (declare.length() > 0) {
                out.append('*').append(table).append('\n').append(declare).append(rules).append(delete).append("COMMIT\n");
            }
        }
        return out.toString();
    }
}
