package io.kybernetes.proxy.nftables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pure functions from an {@link NftRuleset} to ONE {@code nft -f} transaction (all or nothing).
 * <ul>
 * <li>full: creates what is missing, flushes every chain of ours, deletes and creates again the maps and the
 * element sets, writes everything again,
 * then deletes the chains and sets that exist but are no longer wanted. Affinity sets keep their entries.</li>
 * <li>partial: only the chains whose rules changed are flushed and rewritten, only changed map and set elements
 * are deleted/added (an endpoint change is only elements of {@code endpoint-slots} and {@code endpoint-hairpin}),
 * and chains and sets that went away are deleted.</li>
 * </ul>
 */
public final class NftScript {

    private NftScript() {
    }

    public static String full(String table, NftRuleset desired, Set<String> existingChains, Set<String> existingSets) {
        StringBuilder out = new StringBuilder(desired.ruleCount() * 110 + 1024);
        String t = "ip " + table;
        out.append("add table ").append(t).append(" { comment \"rules for kube-proxy\" ; }\n");
        for (String c : desired.chains().keySet()) {
            String hook = desired.hooks().get(c);
            out.append("add chain ").append(t).append(' ').append(c);
            if (hook != null) {
                out.append(" { ").append(hook).append(" }");
            }
            out.append('\n');
        }
        for (var m : desired.maps().entrySet()) {
            out.append("add map ").append(t).append(' ').append(m.getKey()).append(" { ").append(m.getValue()).append(" }\n");
        }
        for (var s : desired.sets().entrySet()) {
            out.append("add set ").append(t).append(' ').append(s.getKey()).append(" { ").append(s.getValue()).append(" }\n");
        }
        for (String c : desired.chains().keySet()) {
            out.append("flush chain ").append(t).append(' ').append(c).append('\n');
        }
        for (String c : existingChains) {
            if (!desired.chains().containsKey(c)) {
                out.append("flush chain ").append(t).append(' ').append(c).append('\n');
            }
        }
        // Maps and sets with elements of ours are deleted and created again, not flushed: with no rule left using
        // them (every chain is flushed above) that is allowed, and refilling a flushed map of 50,000 elements in the
        // same transaction costs the kernel minutes where a new one costs seconds (README, Benchmark).
        for (var m : desired.maps().entrySet()) {
            out.append("delete map ").append(t).append(' ').append(m.getKey()).append('\n');
            out.append("add map ").append(t).append(' ').append(m.getKey()).append(" { ").append(m.getValue()).append(" }\n");
        }
        for (var set : desired.sets().entrySet()) {
            // the others (affinity) are filled by the packet path and keep their entries
            if (desired.elements().containsKey(set.getKey())) {
                out.append("delete set ").append(t).append(' ').append(set.getKey()).append('\n');
                out.append("add set ").append(t).append(' ').append(set.getKey()).append(" { ").append(set.getValue()).append(" }\n");
            }
        }
        for (var c : desired.chains().entrySet()) {
            for (String r : c.getValue()) {
                out.append("add rule ").append(t).append(' ').append(c.getKey()).append(' ').append(r).append('\n');
            }
        }
        for (var e : desired.elements().entrySet()) {
            appendElements(out, "add", t, e.getKey(), e.getValue(), true);
        }
        for (String c : existingChains) {
            if (!desired.chains().containsKey(c)) {
                out.append("delete chain ").append(t).append(' ').append(c).append('\n');
            }
        }
        for (String s : existingSets) {
            if (!desired.sets().containsKey(s) && !desired.maps().containsKey(s)) {
                out.append("delete set ").append(t).append(' ').append(s).append('\n');
            }
        }
        return out.toString();
    }

    /** The transaction that turns {@code previous} into {@code desired}; empty when nothing changed. */
    public static String partial(String table, NftRuleset previous, NftRuleset desired) {
        StringBuilder out = new StringBuilder();
        String t = "ip " + table;
        for (var c : desired.chains().entrySet()) {
            if (!previous.chains().containsKey(c.getKey())) {
                out.append("add chain ").append(t).append(' ').append(c.getKey()).append('\n');
            }
        }
        for (var s : desired.sets().entrySet()) {
            if (!previous.sets().containsKey(s.getKey())) {
                out.append("add set ").append(t).append(' ').append(s.getKey()).append(" { ").append(s.getValue()).append(" }\n");
            }
        }
        for (var c : desired.chains().entrySet()) {
            List<String> was = previous.chains().get(c.getKey());
            if (Objects.equals(was, c.getValue())) {
                continue;
            }
            if (was != null) {
                out.append("flush chain ").append(t).append(' ').append(c.getKey()).append('\n');
            }
            for (String r : c.getValue()) {
                out.append("add rule ").append(t).append(' ').append(c.getKey()).append(' ').append(r).append('\n');
            }
        }
        for (var e : desired.elements().entrySet()) {
            Map<String, String> was = previous.elements().getOrDefault(e.getKey(), new LinkedHashMap<>());
            LinkedHashMap<String, String> gone = new LinkedHashMap<>();
            LinkedHashMap<String, String> added = new LinkedHashMap<>();
            for (var old : was.entrySet()) {
                String now = e.getValue().get(old.getKey());
                if (!old.getValue().equals(now)) {
                    gone.put(old.getKey(), old.getValue());
                }
            }
            for (var now : e.getValue().entrySet()) {
                if (!now.getValue().equals(was.get(now.getKey()))) {
                    added.put(now.getKey(), now.getValue());
                }
            }
            appendElements(out, "delete", t, e.getKey(), gone, false);
            appendElements(out, "add", t, e.getKey(), added, true);
        }
        for (String c : previous.chains().keySet()) {
            if (!desired.chains().containsKey(c)) {
                out.append("flush chain ").append(t).append(' ').append(c).append('\n');
            }
        }
        for (String c : previous.chains().keySet()) {
            if (!desired.chains().containsKey(c)) {
                out.append("delete chain ").append(t).append(' ').append(c).append('\n');
            }
        }
        for (String s : previous.sets().keySet()) {
            if (!desired.sets().containsKey(s)) {
                out.append("delete set ").append(t).append(' ').append(s).append('\n');
            }
        }
        return out.toString();
    }

    /** Elements in batches (one huge line is slow for nft's parser, one line per element too). */
    private static void appendElements(StringBuilder out, String verb, String t, String name, Map<String, String> elements,
            boolean withValues) {
        int n = 0;
        for (var e : elements.entrySet()) {
            if (n % 1000 == 0) {
                if (n > 0) {
                    out.append(" }\n");
                }
                out.append(verb).append(" element ").append(t).append(' ').append(name).append(" { ");
            } else {
                out.append(", ");
            }
            out.append(e.getKey());
            if (withValues && !e.getValue().isEmpty()) {
                out.append(" : ").append(e.getValue());
            }
            n++;
        }
        if (n > 0) {
            out.append(" }\n");
        }
    }

    /** Removes the whole table; idempotent (adding first makes the delete never fail). */
    public static String cleanup(String table) {
        return "add table ip " + table + "\ndelete table ip " + table + "\n";
    }
}
