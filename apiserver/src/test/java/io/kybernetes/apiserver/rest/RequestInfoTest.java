package io.kybernetes.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestInfoTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // path | group | version | watch | namespace | resource | name | subresource
        "/api/v1/namespaces/default/pods | '' | v1 | false | default | pods | - | -",
        "/api/v1/namespaces/default/pods/web | '' | v1 | false | default | pods | web | -",
        "/api/v1/namespaces/default/pods/web/status | '' | v1 | false | default | pods | web | status",
        "/api/v1/namespaces/default/pods/web/log | '' | v1 | false | default | pods | web | log",
        "/api/v1/pods | '' | v1 | false | - | pods | - | -",
        "/api/v1/nodes/n1/status | '' | v1 | false | - | nodes | n1 | status",
        "/api/v1/namespaces | '' | v1 | false | - | namespaces | - | -",
        "/api/v1/namespaces/kube-system | '' | v1 | false | - | namespaces | kube-system | -",
        "/api/v1/namespaces/kube-system/status | '' | v1 | false | - | namespaces | kube-system | status",
        "/api/v1/namespaces/kube-system/finalize | '' | v1 | false | - | namespaces | kube-system | finalize",
        "/api/v1/watch/namespaces/default/pods | '' | v1 | true | default | pods | - | -",
        "/api/v1/watch/namespaces/default/pods/web | '' | v1 | true | default | pods | web | -",
        "/apis/apps/v1/namespaces/default/deployments/web/scale | apps | v1 | false | default | deployments | web | scale",
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1 | coordination.k8s.io | v1 | false | kube-node-lease | leases | n1 | -",
        "/apis/apps/v1/deployments | apps | v1 | false | - | deployments | - | -",
    })
    void parses(String path, String group, String version, boolean watch, String ns, String resource, String name,
            String sub) {
        RequestInfo i = RequestInfo.parse(path);
        assertEquals(new RequestInfo(group, version, watch, ns, resource, name, sub), i);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"/api,'',-", "/apis,-,-", "/apis/apps,apps,-", "/api/v1,'',v1", "/apis/apps/v1,apps,v1"})
    void discovery(String path, String group, String version) {
        RequestInfo i = RequestInfo.parse(path);
        assertEquals(group, i.group());
        assertEquals(version, i.version());
        assertNull(i.resource());
    }
}
