package io.kybernetes.proxy.iptables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code iptables-save} reported: per table, the chains that exist and the rules ({@code -A CHAIN ...}
 * lines, verbatim, so a rule can be deleted with the same text after {@code -D}).
 */
public final class SavedRules {

    /** One table of the dump. */
    public record Table(Set<String> chains, List<String> rules) {

        static final Table EMPTY = new Table(Set.of(), List.of());

        /** True when a rule in {@code chain} jumps to {@code target}. */
        public boolean hasJump(String chain, String target) {
            return !jumps(chain, target).isEmpty();
        }

        /** The rules in {@code chain} that jump to {@code target}. */
        public List<String> jumps(String chain, String target) {
            List<String> out = new ArrayList<>();
            String head = "-A " + chain + " ";
            for (String r : rules) {
                if (r.startsWith(head) && jumpTarget(r).equals(target)) {
                    out.add(r);
                }
            }
            return out;
        }

        static String jumpTarget(String rule) {
            int j = rule.lastIndexOf(" -j ");
            if (j < 0) {
                return "";
            }
            String rest = rule.substring(j + 4).trim();
            int sp = rest.indexOf(' ');
            return sp < 0 ? rest : rest.substring(0, sp);
        }
    }

    private final Map<String, Table> tables;

    private SavedRules(Map<String, Table> tables) {
        this.tables = tables;
    }

    public static SavedRules empty() {
        return new SavedRules(Map.of());
    }

    public Table table(String name) {
        return tables.getOrDefault(name, Table.EMPTY);
    }

    /**
     * What the kernel holds after {@code written} was restored successfully: its chains, and the jumps from the
     * built-in chains (a full restore inserts them when missing). Lets a periodic full sync skip
     * {@code iptables-save}, which costs as much as the restore itself with tens of thousands of rules.
     */
    public static SavedRules fromWritten(Ruleset written, ChainNames names) {
        Map<String, Table> tables = new LinkedHashMap<>();
        for (var t : written.tables().entrySet()) {
            List<String> jumps = new ArrayList<>();
            for (JumpRule j : JumpRule.all(names)) {
                if (j.table().equals(t.getKey())) {
                    jumps.add("-A " + j.chain() + " " + j.matches() + " -j " + j.target());
                }
            }
            tables.put(t.getKey(), new Table(new LinkedHashSet<>(t.getValue().keySet()), jumps));
        }
        return new SavedRules(tables);
    }

    /** Parses the text of {@code iptables-save}; comment and unknown lines are ignored. */
    public static SavedRules parse(String dump) {
        Map<String, Table> tables = new LinkedHashMap<>();
        Set<String> chains = null;
        List<String> rules = null;
        for (String raw : dump.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("*")) {
                chains = new LinkedHashSet<>();
                rules = new ArrayList<>();
                tables.put(line.substring(1), new Table(chains, rules));
            } else if (chains == null) {
                continue;
            } else if (line.startsWith(":")) {
                int sp = line.indexOf(' ');
                chains.add(sp < 0 ? line.substring(1) : line.substring(1, sp));
            } else if (line.startsWith("-A ")) {
                rules.add(line);
            } else if (line.equals("COMMIT")) {
                chains = null;
                rules = null;
            }
        }
        return new SavedRules(tables);
    }
}
