package io.kybernetes.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.authentication.UserInfo;

class AttributesTest {

    static final UserInfo U = new UserInfo("jane", "", List.of(), Map.of());

    @ParameterizedTest(name = "{0} {1} watch={2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // method | path | watch | resourceRequest | verb | namespace | group | resource | sub | name
        "GET    | /api/v1/namespaces/default/pods           | -    | true  | list   | default | '' | pods | '' | ''",
        "GET    | /api/v1/namespaces/default/pods/p1        | -    | true  | get    | default | '' | pods | '' | p1",
        "GET    | /api/v1/namespaces/default/pods           | true | true  | watch  | default | '' | pods | '' | ''",
        "GET    | /api/v1/watch/namespaces/default/pods     | -    | true  | watch  | default | '' | pods | '' | ''",
        "GET    | /api/v1/pods                              | -    | true  | list   | ''      | '' | pods | '' | ''",
        "HEAD   | /api/v1/namespaces/default/pods/p1        | -    | true  | get    | default | '' | pods | '' | p1",
        "POST   | /api/v1/namespaces/default/pods           | -    | true  | create | default | '' | pods | '' | ''",
        "PUT    | /api/v1/namespaces/default/pods/p1        | -    | true  | update | default | '' | pods | '' | p1",
        "PATCH  | /api/v1/namespaces/default/pods/p1        | -    | true  | patch  | default | '' | pods | '' | p1",
        "DELETE | /api/v1/namespaces/default/pods/p1        | -    | true  | delete | default | '' | pods | '' | p1",
        "DELETE | /api/v1/namespaces/default/pods           | -    | true  | deletecollection | default | '' | pods | '' | ''",
        "GET    | /api/v1/namespaces/default/pods/p1/log    | -    | true  | get    | default | '' | pods | log | p1",
        "PUT    | /api/v1/namespaces/default/pods/p1/status | -    | true  | update | default | '' | pods | status | p1",
        "POST   | /api/v1/namespaces/default/pods/p1/exec   | -    | true  | create | default | '' | pods | exec | p1",
        "POST   | /api/v1/namespaces/ns1/serviceaccounts/sa/token | - | true | create | ns1 | '' | serviceaccounts | token | sa",
        "GET    | /apis/apps/v1/namespaces/x/deployments/d/scale | - | true | get  | x | apps | deployments | scale | d",
        "GET    | /apis/rbac.authorization.k8s.io/v1/clusterroles | - | true | list | '' | rbac.authorization.k8s.io | clusterroles | '' | ''",
        "GET    | /api/v1/nodes/n1                          | -    | true  | get    | ''      | '' | nodes | '' | n1",
        "GET    | /api/v1/namespaces/kube-system            | -    | true  | get    | kube-system | '' | namespaces | '' | kube-system",
        "PUT    | /api/v1/namespaces/ns1/finalize           | -    | true  | update | ns1     | '' | namespaces | finalize | ns1",
        "GET    | /api/v1/namespaces                        | -    | true  | list   | ''      | '' | namespaces | '' | ''",
        "GET    | /api                                      | -    | false | get    | ''      | '' | '' | '' | ''",
        "GET    | /apis/apps/v1                             | -    | false | get    | ''      | '' | '' | '' | ''",
        "GET    | /healthz                                  | -    | false | get    | ''      | '' | '' | '' | ''",
        "POST   | /metrics                                  | -    | false | post   | ''      | '' | '' | '' | ''",
    })
    void fromRequests(String method, String path, String watch, boolean resourceRequest, String verb, String ns,
            String group, String resource, String sub, String name) {
        Attributes a = Attributes.of(U, method, path, watch);
        assertEquals(resourceRequest, a.resourceRequest());
        assertEquals(verb, a.verb());
        if (resourceRequest) {
            assertEquals(List.of(ns, group, resource, sub, name),
                    List.of(a.namespace(), a.apiGroup(), a.resource(), a.subresource(), a.name()));
        } else {
            assertEquals(path, a.path());
        }
    }

    @Test
    void forbiddenMessagesAsUpstream() {
        assertEquals("pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the "
                + "namespace \"default\"", Attributes.of(U, "GET", "/api/v1/namespaces/default/pods", null)
                        .forbiddenMessage());
        assertEquals("pods \"p1\" is forbidden: User \"jane\" cannot get resource \"pods/log\" in API group \"\" in "
                + "the namespace \"default\"", Attributes.of(U, "GET", "/api/v1/namespaces/default/pods/p1/log", null)
                        .forbiddenMessage());
        assertEquals("clusterroles.rbac.authorization.k8s.io is forbidden: User \"jane\" cannot list resource "
                + "\"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope",
                Attributes.of(U, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", null).forbiddenMessage());
        assertEquals("forbidden: User \"jane\" cannot get path \"/metrics\"",
                Attributes.of(U, "GET", "/metrics", null).forbiddenMessage());
    }
}
