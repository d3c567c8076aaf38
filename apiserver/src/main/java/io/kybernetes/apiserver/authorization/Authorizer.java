package io.kybernetes.apiserver.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.config.ApiserverConfig;

/**
 * The authorizer chain of {@code --authorization-mode}: each mode in order allows, denies or has no opinion; no
 * opinion from all is a denial. Members of system:masters are always allowed, as upstream's privileged-group
 * authorizer. Node is the node authorizer: members of system:nodes named system:node:NAME get the rules of the
 * system:node ClusterRole, except that Secrets, ConfigMaps and PersistentVolumeClaims may only be read, and
 * ServiceAccount tokens only requested, when a pod bound to that node refers to them ({@link NodeGraph}).
 */
@ApplicationScoped
public class Authorizer {

    private static final Logger LOG = Logger.getLogger(Authorizer.class);
    public static final List<String> MODES = List.of("AlwaysAllow", "AlwaysDeny", "Node", "RBAC");

    private final List<String> modes;
    private final PolicySource policies;
    private final NodeGraph graph;

    public Authorizer(ApiserverConfig config, PolicySource policies) {
        this(config, policies, null);
    }

    @jakarta.inject.Inject
    public Authorizer(ApiserverConfig config, PolicySource policies, NodeGraph graph) {
        this.modes = parseModes(config.authorizationMode());
        this.policies = policies;
        this.graph = graph;
        LOG.infof("authorization modes: %s", String.join(",", modes));
    }

    static List<String> parseModes(String flag) {
        List<String> out = new ArrayList<>();
        for (String m : flag.split(",")) {
            String t = m.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!MODES.contains(t)) {
                throw new IllegalArgumentException("--authorization-mode: unknown authorization mode \"" + t
                        + "\" (want " + String.join(", ", MODES) + ")");
            }
            if (out.contains(t)) {
                throw new IllegalArgumentException("--authorization-mode: mode \"" + t + "\" given twice");
            }
            out.add(t);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--authorization-mode: at least one mode is required");
        }
        return List.copyOf(out);
    }

    public boolean alwaysAllow() {
        return modes.get(0).equals("AlwaysAllow");
    }

    public boolean rbac() {
        return modes.contains("RBAC");
    }

    public CompletableFuture<Decision> authorize(Attributes a) {
        if (a.user().inGroup(UserInfo.MASTERS)) {
            return CompletableFuture.completedFuture(Decision.allow("member of " + UserInfo.MASTERS));
        }
        if (alwaysAllow()) {
            return CompletableFuture.completedFuture(Decision.allow(""));
        }
        if (!modes.contains("RBAC") && !modes.contains("Node")) {
            return CompletableFuture.completedFuture(decide(Policy.EMPTY, a));
        }
        return policies.policy().thenCompose(p -> {
            Decision d = decide(p, a);
            if (d.kind() == Decision.Kind.DENY || d.kind() == Decision.Kind.ALLOW || graph == null
                    || !modes.contains("Node") || !isNode(a) || !NodeGraph.guarded(a)) {
                return CompletableFuture.completedFuture(d);
            }
            String node = a.user().name().substring("system:node:".length());
            return graph.allows(node, a).thenApply(ok -> ok
                    ? Decision.allow("Node: a pod on node " + node + " refers to " + a.resource() + " " + a.name())
                    : d);
        });
    }

    private static boolean isNode(Attributes a) {
        return a.user().inGroup("system:nodes") && a.user().name().startsWith("system:node:");
    }

    Decision decide(Policy p, Attributes a) {
        for (String mode : modes) {
            Decision d = switch (mode) {
                case "AlwaysAllow" -> Decision.allow("");
                case "AlwaysDeny" -> Decision.deny("");
                case "Node" -> node(p, a);
                default -> p.authorize(a);
            };
            if (d.kind() != Decision.Kind.NO_OPINION) {
                return d;
            }
        }
        return Decision.noOpinion("");
    }

    private static Decision node(Policy p, Attributes a) {
        if (!isNode(a) || NodeGraph.guarded(a)) {
            return Decision.noOpinion(""); // guarded objects: only the graph allows them (authorize)
        }
        for (JsonNode rule : p.clusterRoleRules("system:node")) {
            if (Rules.allows(rule, a)) {
                return Decision.allow("Node: allowed by the system:node rules");
            }
        }
        return Decision.noOpinion("");
    }

    /** The rules a user has in a namespace, for SelfSubjectRulesReview. */
    public CompletableFuture<List<JsonNode>> rules(UserInfo user, String namespace) {
        if (user.inGroup(UserInfo.MASTERS) || alwaysAllow()) {
            return CompletableFuture.completedFuture(List.of(star()));
        }
        return policies.policy().thenApply(p -> {
            List<JsonNode> out = new ArrayList<>(p.rulesFor(user, namespace));
            if (modes.contains("Node") && user.inGroup("system:nodes")) {
                out.addAll(p.clusterRoleRules("system:node"));
            }
            return out;
        });
    }

    private static JsonNode star() {
        var r = io.kybernetes.apiserver.json.Json.object();
        r.putArray("verbs").add("*");
        r.putArray("apiGroups").add("*");
        r.putArray("resources").add("*");
        return r;
    }
}
