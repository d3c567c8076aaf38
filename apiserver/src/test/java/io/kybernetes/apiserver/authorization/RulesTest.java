package io.kybernetes.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;

class RulesTest {

    static final UserInfo U = new UserInfo("u", "", List.of(), Map.of());

    static JsonNode rule(String verbs, String groups, String resources, String names, String urls) {
        var r = Json.object();
        put(r, "verbs", verbs);
        put(r, "apiGroups", groups);
        put(r, "resources", resources);
        put(r, "resourceNames", names);
        put(r, "nonResourceURLs", urls);
        return r;
    }

    private static void put(com.fasterxml.jackson.databind.node.ObjectNode r, String field, String spaced) {
        if (spaced == null) {
            return;
        }
        var a = r.putArray(field);
        for (String v : spaced.split(" ")) {
            a.add(v.equals("\"\"") || v.equals("core") ? "" : v);
        }
    }

    /** rule (verbs | groups | resources | names | urls) against a request (verb, group, resource/sub, name). */
    @ParameterizedTest(name = "{0} / {1} {2} {3} -> {7}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // verbs, groups, resources, names, urls | verb | group | resource | sub | name | path | allowed
        "get list,core,pods,-,-                   | get    | core  | pods        | -      | p1 | - | true",
        "get list,core,pods,-,-                   | list   | core  | pods        | -      | -  | - | true",
        "get list,core,pods,-,-                   | watch  | core  | pods        | -      | -  | - | false",
        "get list,core,pods,-,-                   | create | core  | pods        | -      | -  | - | false",
        "get list,core,pods,-,-                   | get    | apps  | pods        | -      | p1 | - | false",
        "get list,core,pods,-,-                   | get    | core  | services    | -      | s1 | - | false",
        "get list,core,pods,-,-                   | get    | core  | pods        | log    | p1 | - | false",
        "get,core,pods/log,-,-                    | get    | core  | pods        | log    | p1 | - | true",
        "get,core,pods/log,-,-                    | get    | core  | pods        | -      | p1 | - | false",
        "get,core,pods/*,-,-                      | get    | core  | pods        | status | p1 | - | true",
        "get,core,pods/*,-,-                      | get    | core  | pods        | -      | p1 | - | false",
        "get,*,*/scale,-,-                        | get    | apps  | deployments | scale  | d1 | - | true",
        "get,*,*/scale,-,-                        | get    | apps  | deployments | -      | d1 | - | false",
        "*,core,pods,-,-                          | delete | core  | pods        | -      | p1 | - | true",
        "*,core,pods,-,-                          | deletecollection | core | pods | -     | -  | - | true",
        "get,*,pods,-,-                           | get    | apps  | pods        | -      | p1 | - | true",
        "get,core,*,-,-                           | get    | core  | secrets     | -      | x  | - | true",
        "get,core,*,-,-                           | get    | core  | pods        | exec   | x  | - | true",
        "*,*,*,-,-                                | patch  | rbac.authorization.k8s.io | roles | - | r | - | true",
        "get,core,configmaps,cm1 cm2,-            | get    | core  | configmaps  | -      | cm1 | - | true",
        "get,core,configmaps,cm1 cm2,-            | get    | core  | configmaps  | -      | cm3 | - | false",
        "get list,core,configmaps,cm1,-           | list   | core  | configmaps  | -      | -  | - | false",
        "update,apps,deployments deployments/scale,-,- | update | apps | deployments | scale | d | - | true",
        "create,apps,deployments,-,-              | create | extensions | deployments | - | - | - | false",
        "get,core apps,deployments,-,-            | get    | apps  | deployments | -      | d  | - | true",
        "create,authorization.k8s.io,selfsubjectaccessreviews,-,- | create | authorization.k8s.io | selfsubjectaccessreviews | - | - | - | true",
        // rules without apiGroups never match resource requests
        "get,-,pods,-,-                           | get    | core  | pods        | -      | p1 | - | false",
        // non-resource rules
        "get,-,-,-,/healthz                       | get    | -     | -           | -      | -  | /healthz | true",
        "get,-,-,-,/healthz                       | get    | -     | -           | -      | -  | /healthz/etcd | false",
        "get,-,-,-,/healthz*                      | get    | -     | -           | -      | -  | /healthz/etcd | true",
        "get,-,-,-,/apis/*                        | get    | -     | -           | -      | -  | /apis/apps/v1 | true",
        "get,-,-,-,/apis/*                        | get    | -     | -           | -      | -  | /apis | false",
        "get,-,-,-,*                              | get    | -     | -           | -      | -  | /metrics | true",
        "get,-,-,-,/metrics                       | post   | -     | -           | -      | -  | /metrics | false",
        "*,-,-,-,/metrics                         | post   | -     | -           | -      | -  | /metrics | true",
        // a resource rule never grants a path, a path rule never grants a resource
        "*,*,*,-,-                                | get    | -     | -           | -      | -  | /healthz | false",
        "*,-,-,-,*                                | get    | core  | pods        | -      | p  | - | false",
    })
    void matches(String rule, String verb, String group, String resource, String sub, String name, String path,
            boolean allowed) {
        String[] r = rule.trim().split(",", -1);
        JsonNode json = rule(r[0], dash(r[1]), dash(r[2]), dash(r[3]), dash(r[4]));
        Attributes a = path != null ? Attributes.nonResource(U, verb, path)
                : Attributes.resource(U, verb, "default", "core".equals(group) ? "" : group, resource, sub, name);
        assertEquals(allowed, Rules.allows(json, a), json + " vs " + a);
    }

    private static String dash(String s) {
        return s.trim().equals("-") ? null : s.trim();
    }
}
