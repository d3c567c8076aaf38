package io.kybernetes.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.json.Json;

class RuleTest {

    /** rule (operations|groups|versions|resources|scope, lists comma-free with +), request, expected. */
    @ParameterizedTest(name = "{0} vs {1} {2}/{3} {4}/{5} ns={6} -> {7}")
    @CsvSource(delimiter = ';', value = {
            "CREATE|''|v1|pods|*; CREATE; ''; v1; pods; ''; true; true",
            "CREATE|''|v1|pods|*; UPDATE; ''; v1; pods; ''; true; false",
            "*|''|v1|pods|*; DELETE; ''; v1; pods; ''; true; true",
            "CREATE|apps|v1|deployments|*; CREATE; ''; v1; deployments; ''; true; false",
            "CREATE|*|*|deployments|*; CREATE; apps; v1; deployments; ''; true; true",
            "CREATE|apps|v1beta1|deployments|*; CREATE; apps; v1; deployments; ''; true; false",
            // the main resource only, unless a subresource is named
            "UPDATE|''|v1|pods|*; UPDATE; ''; v1; pods; status; true; false",
            "UPDATE|''|v1|pods/status|*; UPDATE; ''; v1; pods; status; true; true",
            "UPDATE|''|v1|pods/status|*; UPDATE; ''; v1; pods; ''; true; false",
            "UPDATE|''|v1|pods/*|*; UPDATE; ''; v1; pods; status; true; true",
            "UPDATE|''|v1|pods/*|*; UPDATE; ''; v1; pods; ''; true; false",
            "UPDATE|''|v1|*/status|*; UPDATE; ''; v1; services; status; true; true",
            "UPDATE|''|v1|*/status|*; UPDATE; ''; v1; services; scale; true; false",
            "UPDATE|''|v1|*|*; UPDATE; ''; v1; services; ''; true; true",
            "UPDATE|''|v1|*|*; UPDATE; ''; v1; services; status; true; false",
            "UPDATE|''|v1|*/*|*; UPDATE; ''; v1; services; status; true; true",
            "UPDATE|''|v1|*/*|*; UPDATE; ''; v1; services; ''; true; true",
            "CREATE|''|v1|configmaps+secrets|*; CREATE; ''; v1; secrets; ''; true; true",
            // scope
            "CREATE|*|*|*|Cluster; CREATE; ''; v1; nodes; ''; false; true",
            "CREATE|*|*|*|Cluster; CREATE; ''; v1; pods; ''; true; false",
            "CREATE|*|*|*|Namespaced; CREATE; ''; v1; pods; ''; true; true",
            "CREATE|*|*|*|Namespaced; CREATE; ''; v1; nodes; ''; false; false",
    })
    void matches(String rule, String op, String group, String version, String resource, String sub,
            boolean namespaced, boolean expected) {
        String[] p = rule.split("\\|");
        var node = Json.object();
        for (int i = 0; i < 4; i++) {
            var a = node.putArray(new String[] {"operations", "apiGroups", "apiVersions", "resources"}[i]);
            for (String v : p[i].split("\\+")) {
                a.add(v.equals("''") ? "" : v);
            }
        }
        node.put("scope", p[4]);
        assertEquals(expected, Rule.of(node).matches(op, group, version, resource, sub, namespaced));
    }
}
