package io.kybernetes.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;

class PolicyTest {

    static ObjectNode obj(String yaml) {
        try {
            return (ObjectNode) Json.parseYaml(yaml.getBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Policy policy() {
        Map<String, ObjectNode> clusterRoles = new HashMap<>();
        clusterRoles.put("view", obj("""
                metadata: {name: view}
                aggregationRule:
                  clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-view: "true"}}]
                """));
        clusterRoles.put("view-pods", obj("""
                metadata: {name: view-pods, labels: {rbac.example.com/aggregate-to-view: "true"}}
                rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
                """));
        clusterRoles.put("view-deploys", obj("""
                metadata: {name: view-deploys, labels: {rbac.example.com/aggregate-to-view: "true"}}
                rules: [{apiGroups: [apps], resources: [deployments], verbs: [get]}]
                """));
        clusterRoles.put("nodes-reader", obj("""
                metadata: {name: nodes-reader}
                rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}, {nonResourceURLs: [/metrics], verbs: [get]}]
                """));
        Map<String, ObjectNode> roles = Map.of("team/secrets", obj("""
                metadata: {name: secrets, namespace: team}
                rules: [{apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [get]}]
                """));
        List<ObjectNode> crbs = List.of(obj("""
                metadata: {name: ops-nodes}
                roleRef: {kind: ClusterRole, name: nodes-reader}
                subjects: [{kind: Group, name: ops}]
                """));
        List<ObjectNode> rbs = List.of(obj("""
                metadata: {name: viewers, namespace: team}
                roleRef: {kind: ClusterRole, name: view}
                subjects: [{kind: User, name: alice}, {kind: ServiceAccount, name: bot}]
                """), obj("""
                metadata: {name: db, namespace: team}
                roleRef: {kind: Role, name: secrets}
                subjects: [{kind: ServiceAccount, name: bot, namespace: team}]
                """));
        return new Policy(clusterRoles, roles, crbs, rbs);
    }

    static UserInfo user(String name, String... groups) {
        return new UserInfo(name, "", List.of(groups), Map.of());
    }

    @ParameterizedTest(name = "{0} {1} {2}/{3} {4} in {5} -> {6}")
    @CsvSource(delimiter = '|', value = {
        // user | verb | group | resource | name | namespace | allowed
        "alice                          | list | ''   | pods        | ''  | team  | true",
        "alice                          | get  | apps | deployments | d1  | team  | true",
        "alice                          | list | apps | deployments | ''  | team  | false",
        "alice                          | list | ''   | pods        | ''  | other | false",
        "alice                          | get  | ''   | nodes       | n1  | ''    | false",
        "system:serviceaccount:team:bot | list | ''   | pods        | ''  | team  | true",
        "system:serviceaccount:team:bot | get  | ''   | secrets     | db  | team  | true",
        "system:serviceaccount:team:bot | get  | ''   | secrets     | api | team  | false",
        "system:serviceaccount:other:bot| list | ''   | pods        | ''  | team  | false",
        "bob                            | list | ''   | pods        | ''  | team  | false",
    })
    void bindingsAndAggregation(String user, String verb, String group, String resource, String name, String ns,
            boolean allowed) {
        Attributes a = Attributes.resource(user(user), verb, ns, group, resource, "", name);
        assertEquals(allowed, policy().authorize(a).allowed());
    }

    @Test
    void groupsAndNonResourceUrls() {
        Policy p = policy();
        assertEquals(true, p.authorize(Attributes.resource(user("x", "ops"), "get", "", "", "nodes", "", "n")).allowed());
        assertEquals(true, p.authorize(Attributes.nonResource(user("x", "ops"), "get", "/metrics")).allowed());
        assertEquals(false, p.authorize(Attributes.nonResource(user("x"), "get", "/metrics")).allowed());
        assertEquals(2, p.rulesFor(user("alice"), "team").size());
        assertEquals(3, p.rulesFor(user("system:serviceaccount:team:bot"), "team").size());
        assertEquals(0, p.rulesFor(user("alice"), "other").size());
        assertEquals(2, p.clusterRoleRules("view").size());
    }

    @Test
    void modeChain() {
        Policy p = policy();
        Attributes nodeGet = Attributes.resource(user("system:node:n1", "system:nodes"), "get", "", "", "nodes", "", "n1");
        Authorizer rbacOnly = new Authorizer(modes("RBAC"), null);
        assertEquals(Decision.Kind.NO_OPINION, rbacOnly.decide(p, nodeGet).kind());
        Attributes alice = Attributes.resource(user("alice"), "list", "team", "", "pods", "", "");
        assertEquals(Decision.Kind.ALLOW, rbacOnly.decide(p, alice).kind());
        assertEquals(Decision.Kind.DENY, new Authorizer(modes("AlwaysDeny,RBAC"), null).decide(p, alice).kind());
        assertEquals(Decision.Kind.ALLOW, new Authorizer(modes("RBAC,AlwaysDeny"), null).decide(p, alice).kind());
        assertThrows(IllegalArgumentException.class, () -> Authorizer.parseModes("RBAC,Webhook"));
        assertThrows(IllegalArgumentException.class, () -> Authorizer.parseModes("RBAC,RBAC"));
        assertThrows(IllegalArgumentException.class, () -> Authorizer.parseModes(""));
    }

    static io.kybernetes.apiserver.config.ApiserverConfig modes(String modes) {
        return (io.kybernetes.apiserver.config.ApiserverConfig) java.lang.reflect.Proxy.newProxyInstance(
                PolicyTest.class.getClassLoader(), new Class<?>[] {io.kybernetes.apiserver.config.ApiserverConfig.class},
                (proxy, m, args) -> m.getName().equals("authorizationMode") ? modes : null);
    }
}
