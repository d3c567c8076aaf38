package io.kybernetes.proxy.nftables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired content of our nftables table: chains (name -> rules, in order; base chains also have a hook
 * definition), the verdict maps' elements (map -> key -> verdict) and the sets (name -> definition).
 */
public record NftRuleset(LinkedHashMap<String, List<String>> chains, Map<String, String> hooks,
        LinkedHashMap<String, String> maps, LinkedHashMap<String, LinkedHashMap<String, String>> elements,
        LinkedHashMap<String, String> sets) {

    public int ruleCount() {
        return chains.values().stream().mapToInt(List::size).sum()
                + elements.values().stream().mapToInt(Map::size).sum();
    }
}
