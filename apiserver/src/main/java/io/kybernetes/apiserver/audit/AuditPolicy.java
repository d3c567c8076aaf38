package io.kybernetes.apiserver.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.authorization.Attributes;
import io.kybernetes.apiserver.json.Json;

/**
 * An audit.k8s.io/v1 Policy (YAML or JSON): its rules in order, the first that matches a request gives its level
 * (None when no rule matches), and the stages not recorded (the policy's omitStages plus the rule's).
 */
public record AuditPolicy(List<PolicyRule> rules, Set<String> omitStages) {

    /** The outcome for one request. */
    public record Decision(Level level, Set<String> omitStages) {
        public static final Decision NONE = new Decision(Level.None, Set.of());
    }

    static final Set<String> STAGES = Set.of("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic");

    public static AuditPolicy load(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    public static AuditPolicy parse(byte[] yaml) throws IOException {
        JsonNode doc = Json.parseYaml(yaml);
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("the audit policy is not an object");
        }
        String apiVersion = doc.path("apiVersion").asText("");
        if (!apiVersion.equals("audit.k8s.io/v1") || !doc.path("kind").asText("").equals("Policy")) {
            throw new IllegalArgumentException("the audit policy must be apiVersion audit.k8s.io/v1, kind Policy "
                    + "(got " + apiVersion + ", " + doc.path("kind").asText("") + ")");
        }
        List<PolicyRule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode r : doc.path("rules")) {
            rules.add(PolicyRule.of(r, i++));
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("the audit policy has no rules");
        }
        Set<String> omit = Set.copyOf(PolicyRule.strings(doc.get("omitStages")));
        for (String s : omit) {
            if (!STAGES.contains(s)) {
                throw new IllegalArgumentException("omitStages: Unsupported value: \"" + s + "\"");
            }
        }
        return new AuditPolicy(List.copyOf(rules), omit);
    }

    public Decision decide(Attributes a) {
        for (PolicyRule r : rules) {
            if (r.matches(a)) {
                Set<String> omit = new HashSet<>(omitStages);
                omit.addAll(r.omitStages());
                return new Decision(r.level(), Set.copyOf(omit));
            }
        }
        return Decision.NONE;
    }
}
