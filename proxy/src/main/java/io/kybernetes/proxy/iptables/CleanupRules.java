package io.kybernetes.proxy.iptables;

import java.util.List;

/**
 * Pure function from what {@code iptables-save} shows to the {@code iptables-restore --noflush} text that removes
 * everything the proxier created: every rule in another chain that jumps into one of ours is deleted (by its
 * saved text), then all our chains are flushed (declared) and deleted.
 */
public final class CleanupRules {

    private CleanupRules() {
    }

    /** The restore text, or an empty string when there is nothing of ours left. */
    public static String generate(ChainNames names, SavedRules current) {
        StringBuilder out = new StringBuilder();
        for (String table : List.of("filter", "nat")) {
            SavedRules.Table t = current.table(table);
            List<String> own = t.chains().stream().filter(names::isOwn).sorted().toList();
            List<String> jumps = t.rules().stream()
                    .filter(r -> names.isOwn(SavedRules.Table.jumpTarget(r)) && !names.isOwn(chainOf(r)))
                    .toList();
            if (own.isEmpty() && jumps.isEmpty()) {
                continue;
            }
            out.append('*').append(table).append('\n');
            for (String r : jumps) {
                out.append("-D ").append(r.substring(3)).append('\n');
            }
            for (String c : own) {
                out.append(':').append(c).append(" - [0:0]\n");
            }
            for (String c : own) {
                out.append("-X ").append(c).append('\n');
            }
            out.append("COMMIT\n");
        }
        return out.toString();
    }

    private static String chainOf(String rule) {
        String rest = rule.substring(3);
        int sp = rest.indexOf(' ');
        return sp < 0 ? rest : rest.substring(0, sp);
    }
}
