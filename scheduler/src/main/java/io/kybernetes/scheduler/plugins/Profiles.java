package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.Plugin;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.ScorePlugin;

/** The plugin registry (name to factory) and the assembly of a profile's framework from plugin names. */
public final class Profiles {

    private static final Map<String, Supplier<Plugin>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(NodeUnschedulable.NAME, NodeUnschedulable::new);
        REGISTRY.put(NodeReady.NAME, NodeReady::new);
        REGISTRY.put(NodeName.NAME, NodeName::new);
        REGISTRY.put(TaintToleration.NAME, TaintToleration::new);
        REGISTRY.put(NodeAffinity.NAME, NodeAffinity::new);
        REGISTRY.put(NodePorts.NAME, NodePorts::new);
        REGISTRY.put(NodeResourcesFit.NAME, NodeResourcesFit::new);
        REGISTRY.put(NodeResourcesLeastAllocated.NAME, NodeResourcesLeastAllocated::new);
    }

    private Profiles() {
    }

    /** The default profile, as configured by default in SchedulerConfig. */
    public static Framework defaults(Random random) {
        return build(List.of("NodeUnschedulable", "NodeReady", "NodeName", "TaintToleration", "NodeAffinity",
                "NodePorts", "NodeResourcesFit"), List.of("NodeResourcesLeastAllocated=1", "TaintToleration=1"),
                random);
    }

    /**
     * Builds a framework: {@code filters} by name (their PreFilter part runs too), {@code scores} as
     * {@code Name=weight}. One plugin instance serves every extension point it implements.
     */
    public static Framework build(List<String> filters, List<String> scores, Random random) {
        Map<String, Plugin> instances = new LinkedHashMap<>();
        List<PreFilterPlugin> pre = new ArrayList<>();
        List<FilterPlugin> fil = new ArrayList<>();
        for (String name : filters) {
            Plugin p = instance(instances, name.trim());
            if (!(p instanceof FilterPlugin f)) {
                throw new IllegalArgumentException("plugin " + name + " is not a filter plugin");
            }
            if (p instanceof PreFilterPlugin pf) {
                pre.add(pf);
            }
            fil.add(f);
        }
        List<Framework.WeightedScore> sc = new ArrayList<>();
        for (String spec : scores) {
            String[] parts = spec.trim().split("=", 2);
            int weight = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 1;
            Plugin p = instance(instances, parts[0].trim());
            if (!(p instanceof ScorePlugin s)) {
                throw new IllegalArgumentException("plugin " + parts[0] + " is not a score plugin");
            }
            sc.add(new Framework.WeightedScore(s, weight));
        }
        return new Framework(pre, fil, sc, random);
    }

    private static Plugin instance(Map<String, Plugin> instances, String name) {
        return instances.computeIfAbsent(name, n -> {
            Supplier<Plugin> f = REGISTRY.get(n);
            if (f == null) {
                throw new IllegalArgumentException("unknown scheduler plugin \"" + n + "\"; known: "
                        + REGISTRY.keySet());
            }
            return f.get();
        });
    }
}
