package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.Plugin;
import io.kybernetes.scheduler.framework.PostFilterPlugin;
import io.kybernetes.scheduler.framework.PreBindPlugin;
import io.kybernetes.scheduler.framework.PreFilterPlugin;
import io.kybernetes.scheduler.framework.VolumeActions;
import io.kybernetes.scheduler.framework.PreScorePlugin;
import io.kybernetes.scheduler.framework.PreemptionActions;
import io.kybernetes.scheduler.framework.ScorePlugin;

/** The plugin registry (name to factory) and the assembly of a profile's framework. */
public final class Profiles {

    /** What a plugin factory may use: the listers, the preemption port and the plugin's pluginConfig args. */
    public record Deps(Listers listers, PreemptionActions actions, VolumeActions volumes, JsonNode args) {
    }

    private static final Map<String, Function<Deps, Plugin>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(NodeUnschedulable.NAME, d -> new NodeUnschedulable());
        REGISTRY.put(NodeConditions.NAME, d -> new NodeConditions());
        REGISTRY.put("NodeReady", d -> new NodeConditions());
        REGISTRY.put(NodeName.NAME, d -> new NodeName());
        REGISTRY.put(TaintToleration.NAME, d -> new TaintToleration());
        REGISTRY.put(NodeAffinity.NAME, d -> new NodeAffinity());
        REGISTRY.put(NodePorts.NAME, d -> new NodePorts());
        REGISTRY.put(NodeResourcesFit.NAME, d -> NodeResourcesFit.fromArgs(d.args()));
        REGISTRY.put(NodeResourcesLeastAllocated.NAME, d -> new NodeResourcesLeastAllocated());
        REGISTRY.put(NodeResourcesBalancedAllocation.NAME, d -> new NodeResourcesBalancedAllocation());
        REGISTRY.put(ImageLocality.NAME, d -> new ImageLocality());
        REGISTRY.put(VolumeRestrictions.NAME, d -> new VolumeRestrictions());
        REGISTRY.put(VolumeBinding.NAME, d -> new VolumeBinding(d.listers(), d.volumes()));
        REGISTRY.put(VolumeZone.NAME, d -> new VolumeZone(d.listers()));
        REGISTRY.put(InterPodAffinity.NAME, d -> new InterPodAffinity(d.listers()));
        REGISTRY.put(PodTopologySpread.NAME, d -> new PodTopologySpread(d.listers(),
                !"List".equals(d.args().path("defaultingType").asText("System"))));
        REGISTRY.put(DefaultPreemption.NAME, d -> new DefaultPreemption(d.listers(), d.actions()));
    }

    private Profiles() {
    }

    /** Upstream's default profile without cluster objects (no PVCs, services...) and no-op preemption. */
    public static Framework defaults(Random random) {
        return build(SchedulerConfiguration.defaults().profiles().get(0), Listers.NONE, PreemptionActions.NONE,
                random);
    }

    /** Builds a profile's framework. One plugin instance serves every extension point it is enabled at. */
    public static Framework build(SchedulerConfiguration.Profile profile, Listers listers,
            PreemptionActions actions, Random random) {
        return build(profile, listers, actions, VolumeActions.NONE, random);
    }

    public static Framework build(SchedulerConfiguration.Profile profile, Listers listers,
            PreemptionActions actions, VolumeActions volumes, Random random) {
        Map<String, Plugin> instances = new LinkedHashMap<>();
        Function<String, Plugin> instance = name -> instances.computeIfAbsent(name, n -> {
            Function<Deps, Plugin> f = REGISTRY.get(n);
            if (f == null) {
                throw new IllegalArgumentException("unknown scheduler plugin \"" + n + "\"; known: "
                        + REGISTRY.keySet());
            }
            JsonNode args = profile.pluginArgs().getOrDefault(n, MissingNode.getInstance());
            return f.apply(new Deps(listers, actions, volumes, args));
        });
        List<PreFilterPlugin> pre = new ArrayList<>();
        for (String n : profile.preFilter()) {
            pre.add((PreFilterPlugin) instance.apply(n));
        }
        List<FilterPlugin> fil = new ArrayList<>();
        for (String n : profile.filter()) {
            fil.add((FilterPlugin) instance.apply(n));
        }
        List<PostFilterPlugin> post = new ArrayList<>();
        for (String n : profile.postFilter()) {
            post.add((PostFilterPlugin) instance.apply(n));
        }
        List<PreScorePlugin> preScore = new ArrayList<>();
        for (String n : profile.preScore()) {
            preScore.add((PreScorePlugin) instance.apply(n));
        }
        List<Framework.WeightedScore> sc = new ArrayList<>();
        for (SchedulerConfiguration.PluginRef r : profile.score()) {
            sc.add(new Framework.WeightedScore((ScorePlugin) instance.apply(r.name()), r.weight()));
        }
        List<PreBindPlugin> preBind = new ArrayList<>();
        for (String n : profile.preBind()) {
            preBind.add((PreBindPlugin) instance.apply(n));
        }
        return new Framework(profile.schedulerName(), pre, fil, post, preScore, sc, preBind,
                profile.percentageOfNodesToScore(), random);
    }
}
