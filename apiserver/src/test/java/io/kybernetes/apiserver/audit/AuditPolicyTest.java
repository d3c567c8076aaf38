package io.kybernetes.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.authorization.Attributes;

class AuditPolicyTest {

    static final AuditPolicy POLICY;

    static {
        try {
            POLICY = AuditPolicy.parse("""
                    apiVersion: audit.k8s.io/v1
                    kind: Policy
                    omitStages: [RequestReceived]
                    rules:
                    - level: None
                      users: [system:kube-proxy]
                      verbs: [watch]
                    - level: None
                      userGroups: [system:nodes]
                      resources: [{group: "", resources: [events]}]
                    - level: None
                      nonResourceURLs: [/healthz*, /version]
                    - level: Metadata
                      resources: [{group: "", resources: [secrets, configmaps/status]}]
                    - level: Request
                      resources: [{group: "", resources: ["*/log"]}]
                    - level: RequestResponse
                      namespaces: [audited]
                      resources: [{group: apps, resources: ["deployments/*"]}]
                    - level: Request
                      resources: [{group: "", resources: [configmaps], resourceNames: [special]}]
                    - level: RequestResponse
                      omitStages: [ResponseStarted]
                      resources: [{group: "", resources: [configmaps]}]
                    - level: Metadata
                      namespaces: [kube-system]
                    - level: Metadata
                      verbs: [get]
                      nonResourceURLs: ["*"]
                    """.getBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final UserInfo ALICE = new UserInfo("alice", "", List.of("dev"), Map.of());
    static final UserInfo PROXY = new UserInfo("system:kube-proxy", "", List.of(), Map.of());
    static final UserInfo NODE = new UserInfo("system:node:n1", "", List.of("system:nodes"), Map.of());

    static UserInfo user(String name) {
        return switch (name) {
            case "proxy" -> PROXY;
            case "node" -> NODE;
            default -> ALICE;
        };
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = ';', value = {
            "alice; GET; /api/v1/namespaces/a/secrets/s; Metadata",
            "alice; POST; /api/v1/namespaces/a/secrets; Metadata",
            "alice; GET; /api/v1/namespaces/a/configmaps/c; RequestResponse",
            "alice; GET; /api/v1/namespaces/a/configmaps/special; Request",
            "alice; PUT; /api/v1/namespaces/a/configmaps/c/status; Metadata",
            "alice; GET; /api/v1/namespaces/a/pods/p/log; Request",
            "alice; GET; /api/v1/namespaces/a/pods/p; None",
            "alice; GET; /api/v1/namespaces/kube-system/pods/p; Metadata",
            "alice; GET; /apis/apps/v1/namespaces/audited/deployments/d/scale; RequestResponse",
            // upstream's "res/*" also covers the resource itself
            "alice; GET; /apis/apps/v1/namespaces/audited/deployments/d; RequestResponse",
            "alice; GET; /apis/apps/v1/namespaces/other/deployments/d/scale; None",
            // first match wins: the proxy's watches are not recorded, its gets are
            "proxy; GET; /api/v1/namespaces/a/configmaps?watch=true; None",
            "proxy; GET; /api/v1/namespaces/a/configmaps; RequestResponse",
            "node; POST; /api/v1/namespaces/a/events; None",
            "alice; POST; /api/v1/namespaces/a/events; None",
            "alice; GET; /healthz; None",
            "alice; GET; /healthz/ready; None",
            "alice; GET; /version; None",
            "alice; GET; /metrics; Metadata",
            "alice; POST; /metrics; None",
    })
    void firstMatchingRuleGivesTheLevel(String who, String method, String uri, Level expected) {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        String watch = uri.contains("watch=true") ? "true" : null;
        Attributes a = Attributes.of(user(who), method, path, watch);
        assertEquals(expected, POLICY.decide(a).level());
    }

    @Test
    void omitStagesAddUp() {
        AuditPolicy.Decision d = POLICY.decide(Attributes.of(ALICE, "GET", "/api/v1/namespaces/a/configmaps", null));
        assertEquals(Set.of("RequestReceived", "ResponseStarted"), d.omitStages());
        assertEquals(Set.of("RequestReceived"),
                POLICY.decide(Attributes.of(ALICE, "GET", "/api/v1/namespaces/a/secrets", null)).omitStages());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "apiVersion: audit.k8s.io/v1beta1\\nkind: Policy\\nrules: [{level: None}]; must be apiVersion audit.k8s.io/v1",
            "apiVersion: audit.k8s.io/v1\\nkind: Policy\\nrules: []; has no rules",
            "apiVersion: audit.k8s.io/v1\\nkind: Policy\\nrules: [{level: Everything}]; rules[0].level: Unsupported value: \"Everything\"",
            "apiVersion: audit.k8s.io/v1\\nkind: Policy\\nomitStages: [Never]\\nrules: [{level: None}]; omitStages: Unsupported value: \"Never\"",
            "apiVersion: audit.k8s.io/v1\\nkind: Policy\\nrules: [{level: None, nonResourceURLs: [/x], namespaces: [a]}]; rules cannot apply to both",
    })
    void badPolicies(String yaml, String message) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> AuditPolicy.parse(yaml.replace("\\n", "\n").getBytes()));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
