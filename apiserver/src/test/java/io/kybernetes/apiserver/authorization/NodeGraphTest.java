package io.kybernetes.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;

class NodeGraphTest {

    static final String SPEC = """
            {"serviceAccountName":"runner",
             "imagePullSecrets":[{"name":"pull"}],
             "volumes":[{"name":"a","secret":{"secretName":"vol-secret"}},
                        {"name":"b","configMap":{"name":"vol-config"}},
                        {"name":"c","persistentVolumeClaim":{"claimName":"data"}},
                        {"name":"d","projected":{"sources":[{"secret":{"name":"proj-secret"}},
                                                            {"configMap":{"name":"kube-root-ca.crt"}}]}}],
             "initContainers":[{"name":"i","envFrom":[{"secretRef":{"name":"init-env"}}]}],
             "containers":[{"name":"c","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"env-config","key":"k"}}},
                                               {"name":"Y","valueFrom":{"secretKeyRef":{"name":"env-secret","key":"k"}}}],
                            "envFrom":[{"configMapRef":{"name":"from-config"}}]}]}
            """;

    static JsonNode spec() throws IOException {
        return Json.parse(SPEC.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "secrets,                vol-secret,        true",
            "secrets,                proj-secret,       true",
            "secrets,                pull,              true",
            "secrets,                init-env,          true",
            "secrets,                env-secret,        true",
            "secrets,                other,             false",
            "secrets,                vol-config,        false",
            "configmaps,             vol-config,        true",
            "configmaps,             kube-root-ca.crt,  true",
            "configmaps,             env-config,        true",
            "configmaps,             from-config,       true",
            "configmaps,             vol-secret,        false",
            "persistentvolumeclaims, data,              true",
            "persistentvolumeclaims, other,             false",
            "serviceaccounts,        runner,            true",
            "serviceaccounts,        default,           false",
    })
    void aPodRefersToWhatItsSpecNames(String resource, String name, boolean expected) throws IOException {
        assertEquals(expected, NodeGraph.refers(spec(), resource, name));
    }

    @ParameterizedTest(name = "{0} {1}/{2} -> guarded {3}")
    @CsvSource({
            "get,    secrets,                '',     true",
            "list,   configmaps,             '',     true",
            "get,    persistentvolumeclaims, '',     true",
            "create, serviceaccounts,        token,  true",
            "get,    serviceaccounts,        '',     false",
            "get,    pods,                   '',     false",
            "get,    nodes,                  '',     false",
    })
    void guardedRequests(String verb, String resource, String sub, boolean expected) {
        UserInfo node = new UserInfo("system:node:n1", "", List.of("system:nodes"), Map.of());
        assertEquals(expected, NodeGraph.guarded(Attributes.resource(node, verb, "ns", "", resource, sub, "x")));
    }
}
