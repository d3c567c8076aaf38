package io.kybernetes.scheduler.config;

import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The subset of upstream's KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) that kybernetes reads from
 * {@code --config}: {@code percentageOfNodesToScore}, {@code leaderElection}, and {@code profiles} with
 * {@code schedulerName}, {@code percentageOfNodesToScore}, {@code plugins} (multiPoint, preFilter, filter,
 * postFilter, preScore, score, preBind: {@code enabled} with optional {@code weight}, {@code disabled}, "*" for all) and
 * {@code pluginConfig}. Missing parts take upstream's defaults. Read as a Jackson tree (no reflection).
 */
public record SchedulerConfiguration(int percentageOfNodesToScore, LeaderElection leaderElection,
        List<Profile> profiles) {

    /** One plugin with its score weight (0 when not given). */
    public record PluginRef(String name, int weight) {
    }

    /** A profile's effective plugins per extension point, in order. */
    public record Profile(String schedulerName, int percentageOfNodesToScore, List<String> preFilter,
            List<String> filter, List<String> postFilter, List<String> preScore, List<PluginRef> score,
            List<String> preBind, Map<String, JsonNode> pluginArgs) {
    }

    /**
     * Lease settings. The default lease lasts 12 s instead of upstream's 15 s (renew deadline 8 s instead of 10 s,
     * retry 1 s instead of 2 s), so a standby takes over within 15 s of the leader dying without releasing it: the
     * lease expires at most 12 s after the kill and candidates retry every retry period plus up to 1.2 times it of
     * jitter (12 + 2.2 s). Upstream's 15 s lease and 2 s retry give 13 to 19.4 s.
     */
    public record LeaderElection(boolean leaderElect, String resourceName, String resourceNamespace,
            Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final LeaderElection DEFAULT = new LeaderElection(true, "kube-scheduler", "kube-system",
                Duration.ofSeconds(12), Duration.ofSeconds(8), Duration.ofSeconds(1));

        /**
         * These settings with the {@code --leader-elect*} flags that were given (null: not given) applied over
         * them, as upstream applies the explicitly set leader-election flags over the {@code --config} file;
         * validated as upstream validates them when leader election is on.
         */
        public LeaderElection withFlags(String leaderElect, String leaseDuration, String renewDeadline,
                String retryPeriod, String resourceLock, String resourceName, String resourceNamespace) {
            if (resourceLock != null && !resourceLock.equals("leases")) {
                throw new IllegalArgumentException("--leader-elect-resource-lock=" + resourceLock
                        + " is not supported: only leases");
            }
            if (leaderElect != null && !leaderElect.equals("true") && !leaderElect.equals("false")) {
                throw new IllegalArgumentException("--leader-elect: invalid value \"" + leaderElect + "\"");
            }
            LeaderElection l = new LeaderElection(leaderElect == null ? leaderElect() : leaderElect.equals("true"),
                    resourceName == null ? resourceName() : resourceName,
                    resourceNamespace == null ? resourceNamespace() : resourceNamespace,
                    leaseDuration == null ? leaseDuration() : duration("--leader-elect-lease-duration", leaseDuration),
                    renewDeadline == null ? renewDeadline() : duration("--leader-elect-renew-deadline", renewDeadline),
                    retryPeriod == null ? retryPeriod() : duration("--leader-elect-retry-period", retryPeriod));
            l.validate();
            return l;
        }

        /** Upstream's checks: positive durations, lease > renew deadline > 1.2 x retry period, a name. */
        public void validate() {
            if (!leaderElect) {
                return;
            }
            if (resourceName.isBlank() || resourceNamespace.isBlank()) {
                throw new IllegalArgumentException("leader election needs a resource name and namespace");
            }
            if (leaseDuration.isZero() || leaseDuration.isNegative() || renewDeadline.isZero()
                    || renewDeadline.isNegative() || retryPeriod.isZero() || retryPeriod.isNegative()) {
                throw new IllegalArgumentException("leader election durations must be greater than zero");
            }
            if (leaseDuration.compareTo(renewDeadline) <= 0) {
                throw new IllegalArgumentException("leaseDuration (" + text(leaseDuration)
                        + ") must be greater than renewDeadline (" + text(renewDeadline) + ")");
            }
            if (renewDeadline.toMillis() <= 1.2 * retryPeriod.toMillis()) {
                throw new IllegalArgumentException("renewDeadline (" + text(renewDeadline)
                        + ") must be greater than retryPeriod*JitterFactor (" + text(retryPeriod) + "*1.2)");
            }
        }

        private static String text(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    /** Upstream's default plugins (multiPoint) in order, with their score weights (0: not a score plugin). */
    public static final List<PluginRef> DEFAULT_PLUGINS = List.of(
            new PluginRef("NodeUnschedulable", 0), new PluginRef("NodeName", 0),
            new PluginRef("NodeConditions", 0), new PluginRef("TaintToleration", 3),
            new PluginRef("NodeAffinity", 2), new PluginRef("NodePorts", 0), new PluginRef("NodeResourcesFit", 1),
            new PluginRef("VolumeRestrictions", 0), new PluginRef("VolumeBinding", 0),
            new PluginRef("VolumeZone", 0), new PluginRef("PodTopologySpread", 2),
            new PluginRef("InterPodAffinity", 2), new PluginRef("DefaultPreemption", 0),
            new PluginRef("NodeResourcesBalancedAllocation", 1), new PluginRef("ImageLocality", 1));

    /**
     * The extension points each known plugin implements, so multiPoint can expand to them (as upstream asks each
     * plugin which interfaces it has).
     */
    public static final Map<String, Set<String>> POINTS = Map.ofEntries(
            Map.entry("NodeUnschedulable", Set.of("filter")), Map.entry("NodeName", Set.of("filter")),
            Map.entry("NodeConditions", Set.of("filter")), Map.entry("NodeReady", Set.of("filter")),
            Map.entry("TaintToleration", Set.of("filter", "score")),
            Map.entry("NodeAffinity", Set.of("filter", "score")), Map.entry("NodePorts", Set.of("filter")),
            Map.entry("NodeResourcesFit", Set.of("preFilter", "filter", "score")),
            Map.entry("NodeResourcesLeastAllocated", Set.of("score")),
            Map.entry("VolumeRestrictions", Set.of("filter")),
            Map.entry("VolumeBinding", Set.of("preFilter", "filter", "preBind")), Map.entry("VolumeZone", Set.of("filter")),
            Map.entry("PodTopologySpread", Set.of("preFilter", "filter", "preScore", "score")),
            Map.entry("InterPodAffinity", Set.of("preFilter", "filter", "preScore", "score")),
            Map.entry("DefaultPreemption", Set.of("postFilter")),
            Map.entry("NodeResourcesBalancedAllocation", Set.of("score")),
            Map.entry("ImageLocality", Set.of("preScore", "score")));

    static final List<String> EXTENSION_POINTS = List.of("preFilter", "filter", "postFilter", "preScore", "score",
            "preBind");

    public SchedulerConfiguration withLeaderElection(LeaderElection election) {
        return new SchedulerConfiguration(percentageOfNodesToScore, election, profiles);
    }

    public static SchedulerConfiguration defaults() {
        return parse(MissingNode.getInstance());
    }

    public static SchedulerConfiguration load(Path file) throws IOException {
        return parse(new YAMLMapper().readTree(Files.readString(file)));
    }

    public static SchedulerConfiguration parse(String yaml) throws IOException {
        return parse(new YAMLMapper().readTree(yaml));
    }

    static SchedulerConfiguration parse(JsonNode root) {
        if (root == null) {
            root = MissingNode.getInstance();
        }
        String kind = root.path("kind").asText("KubeSchedulerConfiguration");
        if (!kind.equals("KubeSchedulerConfiguration")) {
            throw new IllegalArgumentException("--config: kind must be KubeSchedulerConfiguration, not " + kind);
        }
        int percentage = percentage(root.path("percentageOfNodesToScore"), 0);
        JsonNode le = root.path("leaderElection");
        LeaderElection d = LeaderElection.DEFAULT;
        LeaderElection election = new LeaderElection(le.path("leaderElect").asBoolean(d.leaderElect()),
                le.path("resourceName").asText(d.resourceName()),
                le.path("resourceNamespace").asText(d.resourceNamespace()),
                duration(le.path("leaseDuration"), d.leaseDuration()),
                duration(le.path("renewDeadline"), d.renewDeadline()),
                duration(le.path("retryPeriod"), d.retryPeriod()));
        election.validate();
        List<Profile> profiles = new ArrayList<>();
        JsonNode ps = root.path("profiles");
        if (!ps.isArray() || ps.isEmpty()) {
            profiles.add(profile(MissingNode.getInstance(), percentage));
        } else {
            Set<String> names = new LinkedHashSet<>();
            for (JsonNode p : ps) {
                Profile profile = profile(p, percentage);
                if (!names.add(profile.schedulerName())) {
                    throw new IllegalArgumentException("--config: duplicate profile " + profile.schedulerName());
                }
                profiles.add(profile);
            }
        }
        return new SchedulerConfiguration(percentage, election, profiles);
    }

    private static int percentage(JsonNode n, int fallback) {
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        int v = n.asInt(-1);
        if (v < 0 || v > 100) {
            throw new IllegalArgumentException("--config: percentageOfNodesToScore must be in [0, 100], not "
                    + n.asText());
        }
        return v;
    }

    static Duration duration(JsonNode n, Duration fallback) {
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        return duration("--config", n.asText());
    }

    /** A Go duration such as "15s", "1m30s", "1.5s", "500ms"; {@code what} names the source in errors. */
    static Duration duration(String what, String text) {
        String s = text.trim();
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(s);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            end = m.end();
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> v / 1000;
                case "s" -> v;
                case "m" -> v * 60;
                default -> v * 3600;
            };
        }
        if (end != s.length() || s.isEmpty()) {
            throw new IllegalArgumentException(what + ": invalid duration \"" + s + "\" (want e.g. 15s, 1m30s, 500ms)");
        }
        return Duration.ofMillis(Math.round(total * 1000));
    }

    static Profile profile(JsonNode p, int globalPercentage) {
        String name = p.path("schedulerName").asText(DEFAULT_SCHEDULER);
        int percentage = percentage(p.path("percentageOfNodesToScore"), globalPercentage);
        JsonNode plugins = p.path("plugins");
        // multiPoint: the defaults, minus disabled, plus enabled (a re-enabled default moves to the end).
        Map<String, Integer> multi = new LinkedHashMap<>();
        JsonNode mp = plugins.path("multiPoint");
        Set<String> mpDisabled = names(mp.path("disabled"));
        if (!mpDisabled.contains("*")) {
            for (PluginRef r : DEFAULT_PLUGINS) {
                if (!mpDisabled.contains(r.name())) {
                    multi.put(r.name(), r.weight());
                }
            }
        }
        for (PluginRef r : refs(mp.path("enabled"))) {
            known(r.name());
            multi.remove(r.name());
            multi.put(r.name(), r.weight() != 0 ? r.weight() : defaultWeight(r.name()));
        }
        Map<String, List<PluginRef>> points = new LinkedHashMap<>();
        for (String point : EXTENSION_POINTS) {
            JsonNode set = plugins.path(point);
            Set<String> disabled = names(set.path("disabled"));
            List<PluginRef> out = new ArrayList<>();
            List<PluginRef> enabled = refs(set.path("enabled"));
            Set<String> explicitly = new LinkedHashSet<>();
            enabled.forEach(r -> explicitly.add(r.name()));
            if (!disabled.contains("*")) {
                multi.forEach((plugin, weight) -> {
                    if (POINTS.getOrDefault(plugin, Set.of()).contains(point) && !disabled.contains(plugin)
                            && !explicitly.contains(plugin)) {
                        out.add(new PluginRef(plugin, weight));
                    }
                });
            }
            for (PluginRef r : enabled) {
                known(r.name());
                if (!POINTS.get(r.name()).contains(point)) {
                    throw new IllegalArgumentException("--config: plugin " + r.name() + " does not extend " + point);
                }
                int w = r.weight() != 0 ? r.weight() : multi.getOrDefault(r.name(), defaultWeight(r.name()));
                out.add(new PluginRef(r.name(), w));
            }
            points.put(point, out);
        }
        List<PluginRef> score = new ArrayList<>();
        for (PluginRef r : points.get("score")) {
            score.add(new PluginRef(r.name(), r.weight() <= 0 ? 1 : r.weight()));
        }
        Map<String, JsonNode> args = new LinkedHashMap<>();
        for (JsonNode pc : p.path("pluginConfig")) {
            args.put(pc.path("name").asText(), pc.path("args"));
        }
        return new Profile(name, percentage, namesOf(points.get("preFilter")), namesOf(points.get("filter")),
                namesOf(points.get("postFilter")), namesOf(points.get("preScore")), score,
                namesOf(points.get("preBind")), args);
    }

    private static int defaultWeight(String plugin) {
        for (PluginRef r : DEFAULT_PLUGINS) {
            if (r.name().equals(plugin) && r.weight() > 0) {
                return r.weight();
            }
        }
        return POINTS.getOrDefault(plugin, Set.of()).contains("score") ? 1 : 0;
    }

    private static void known(String plugin) {
        if (!POINTS.containsKey(plugin)) {
            throw new IllegalArgumentException("--config: unknown scheduler plugin \"" + plugin + "\"; known: "
                    + new java.util.TreeSet<>(POINTS.keySet()));
        }
    }

    private static List<String> namesOf(List<PluginRef> refs) {
        return refs.stream().map(PluginRef::name).toList();
    }

    private static Set<String> names(JsonNode list) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : list) {
            out.add(n.path("name").asText());
        }
        return out;
    }

    private static List<PluginRef> refs(JsonNode list) {
        List<PluginRef> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(new PluginRef(n.path("name").asText(), n.path("weight").asInt(0)));
        }
        return out;
    }
}
