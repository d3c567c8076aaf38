package io.kybernetes.proxy.iptables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired content of our chains: table ({@code filter}, {@code nat}) -> chain -> its rules in order
 * ({@code -A CHAIN ...} lines). Chains keep insertion order so the restore text is stable.
 */
public record Ruleset(Map<String, LinkedHashMap<String, List<String>>> tables) {

    public LinkedHashMap<String, List<String>> table(String name) {
        return tables.getOrDefault(name, new LinkedHashMap<>());
    }

    public int ruleCount() {
        return tables.values().stream().flatMap(t -> t.values().stream()).mapToInt(List::size).sum();
    }
}
