package io.kybernetes.apiserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.authorization.Attributes;
import io.kybernetes.apiserver.authorization.Policy;
import io.kybernetes.apiserver.json.Json;

/** What the bootstrap policy lets the users of a token join do, evaluated by the RBAC policy itself. */
class BootstrapPolicyTest {

    static Policy policy() {
        Map<String, ObjectNode> clusterRoles = new HashMap<>();
        BootstrapPolicy.clusterRoles().forEach(r -> clusterRoles.put(Json.str(r, "metadata.name"), r));
        Map<String, ObjectNode> roles = new HashMap<>();
        List<ObjectNode> roleBindings = new java.util.ArrayList<>();
        for (ObjectNode o : BootstrapPolicy.clusterInfoRole()) {
            if (o.path("kind").asText().equals("Role")) {
                roles.put(Json.str(o, "metadata.namespace") + "/" + Json.str(o, "metadata.name"), o);
            } else {
                roleBindings.add(o);
            }
        }
        return new Policy(clusterRoles, roles, BootstrapPolicy.clusterRoleBindings(), roleBindings);
    }

    static UserInfo user(String who) {
        return switch (who) {
            case "token" -> new UserInfo("system:bootstrap:abcdef", "", List.of("system:bootstrappers",
                    "system:bootstrappers:kubeadm:default-node-token", "system:authenticated"), Map.of());
            case "other-token" -> new UserInfo("system:bootstrap:zzzzzz", "", List.of("system:bootstrappers",
                    "system:authenticated"), Map.of());
            case "node" -> new UserInfo("system:node:n1", "", List.of("system:nodes", "system:authenticated"),
                    Map.of());
            case "anonymous" -> UserInfo.anonymous();
            default -> throw new IllegalArgumentException(who);
        };
    }

    @ParameterizedTest(name = "{0} {1} {3}/{4} {5} in ''{2}'': {6}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "token       | create | -           | certificates.k8s.io | certificatesigningrequests | -            | true",
        "token       | watch  | -           | certificates.k8s.io | certificatesigningrequests | -            | true",
        "token       | create | -           | certificates.k8s.io | certificatesigningrequests/nodeclient | - | true",
        "token       | create | -           | certificates.k8s.io | certificatesigningrequests/selfnodeclient | - | false",
        "token       | update | -           | certificates.k8s.io | certificatesigningrequests/approval | - | false",
        "token       | list   | kube-system | ''                  | secrets                    | -            | false",
        "token       | get    | -           | ''                  | nodes                      | n1           | false",
        "other-token | create | -           | certificates.k8s.io | certificatesigningrequests | -            | false",
        "node        | create | -           | certificates.k8s.io | certificatesigningrequests/selfnodeclient | - | true",
        "node        | create | -           | certificates.k8s.io | certificatesigningrequests/nodeclient | - | false",
        "anonymous   | get    | kube-public | ''                  | configmaps                 | cluster-info | true",
        "anonymous   | get    | kube-public | ''                  | configmaps                 | other        | false",
        "anonymous   | list   | kube-public | ''                  | configmaps                 | -            | false",
        "anonymous   | get    | kube-system | ''                  | configmaps                 | cluster-info | false",
    })
    void grants(String who, String verb, String ns, String group, String resource, String name, boolean allowed) {
        String[] r = resource.split("/");
        Attributes a = Attributes.resource(user(who), verb, ns, group, r[0], r.length > 1 ? r[1] : null, name);
        assertEquals(allowed, policy().authorize(a).allowed(), a.toString());
    }
}
