package io.kybernetes.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.Cause;

class WebhookConfigurationStrategyTest {

    static final String CA = java.util.Base64.getEncoder()
            .encodeToString("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".getBytes());

    static ObjectNode config(String webhookYaml) throws Exception {
        return (ObjectNode) Json.parseYaml(("apiVersion: admissionregistration.k8s.io/v1\n"
                + "kind: ValidatingWebhookConfiguration\nmetadata: {name: c}\nwebhooks:\n" + webhookYaml).getBytes());
    }

    static final String VALID = """
            - name: a.b.c
              admissionReviewVersions: [v1beta1, v1]
              sideEffects: None
              clientConfig: {url: "https://hook.example.com:8443/v"}
              rules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"]}]
            """;

    @Test
    void aValidConfigurationAndItsDefaults() throws Exception {
        ObjectNode c = config(VALID);
        WebhookConfigurationStrategy s = new WebhookConfigurationStrategy(true);
        s.prepareForCreate(c);
        assertEquals(List.of(), s.validate(c));
        assertEquals("{\"name\":\"a.b.c\",\"admissionReviewVersions\":[\"v1beta1\",\"v1\"],\"sideEffects\":\"None\","
                + "\"clientConfig\":{\"url\":\"https://hook.example.com:8443/v\"},\"rules\":[{\"operations\":[\"*\"],"
                + "\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],\"resources\":[\"*/*\"],\"scope\":\"*\"}],"
                + "\"failurePolicy\":\"Fail\",\"matchPolicy\":\"Equivalent\",\"namespaceSelector\":{},"
                + "\"objectSelector\":{},\"timeoutSeconds\":10,\"reinvocationPolicy\":\"Never\"}",
                c.path("webhooks").get(0).toString());
    }

    /** a change to the valid webhook (field=YAML value), the one error it gives. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "name=ab.c| webhooks[0].name: Invalid value: \"ab.c\": should be a domain with at least three segments separated by dots",
            "sideEffects=Some| webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"",
            "sideEffects=''| webhooks[0].sideEffects: Required value",
            "admissionReviewVersions=[v1beta1]| webhooks[0].admissionReviewVersions: Invalid value: \"[\"v1beta1\"]\": must include at least one of v1",
            "admissionReviewVersions=[]| webhooks[0].admissionReviewVersions: Required value",
            "timeoutSeconds=0| webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds",
            "failurePolicy=Maybe| webhooks[0].failurePolicy: Unsupported value: \"Maybe\": supported values: \"Fail\", \"Ignore\"",
            "matchPolicy=Loose| webhooks[0].matchPolicy: Unsupported value: \"Loose\": supported values: \"Equivalent\", \"Exact\"",
            "namespaceSelector={matchExpressions: [{key: a, operator: Like}]}| webhooks[0].namespaceSelector: Invalid value: \"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Like\"}]}\": invalid label selector operator Like",
            "rules=[{operations: [GET], apiGroups: [''], apiVersions: [v1], resources: [pods]}]| webhooks[0].rules[0].operations[0]: Unsupported value: \"GET\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"",
            "rules=[{operations: [CREATE], apiVersions: [v1], resources: [pods]}]| webhooks[0].rules[0].apiGroups: Required value",
            "rules=[{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [a/b/c]}]| webhooks[0].rules[0].resources[0]: Invalid value: \"a/b/c\": must be a resource or resource/subresource",
            "rules=[{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [pods], scope: Global}]| webhooks[0].rules[0].scope: Unsupported value: \"Global\": supported values: \"*\", \"Cluster\", \"Namespaced\"",
            "clientConfig={}| webhooks[0].clientConfig: Required value: exactly one of url or service is required",
            "clientConfig={url: 'http://x.example.com/'}| webhooks[0].clientConfig.url: Invalid value: \"http://x.example.com/\": 'https' is the only allowed URL scheme",
            "clientConfig={url: 'https://u@x.example.com/'}| webhooks[0].clientConfig.url: Invalid value: \"https://u@x.example.com/\": fragments and user information are not permitted",
            "clientConfig={url: 'https://x.example.com/', service: {namespace: a, name: b}}| webhooks[0].clientConfig: Required value: exactly one of url or service is required",
            "clientConfig={service: {name: b}}| webhooks[0].clientConfig.service.namespace: Required value",
            "clientConfig={service: {namespace: a, name: b, port: 70000}}| webhooks[0].clientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive",
            "clientConfig={service: {namespace: a, name: b, path: x}}| webhooks[0].clientConfig.service.path: Invalid value: \"x\": must start with a '/'",
            "clientConfig={url: 'https://x.example.com/', caBundle: '!!'}| webhooks[0].clientConfig.caBundle: Invalid value: \"\": illegal base64 data",
    })
    void oneError(String change, String error) throws Exception {
        String[] kv = change.split("=", 2);
        ObjectNode c = config(VALID);
        ObjectNode w = (ObjectNode) c.path("webhooks").get(0);
        w.set(kv[0], Json.parseYaml(("v: " + kv[1]).getBytes()).get("v"));
        List<Cause> causes = new WebhookConfigurationStrategy(false).validate(c);
        assertEquals(List.of(error), causes.stream().map(Cause::text).toList());
    }

    @Test
    void namesAreUniqueAndACaBundleIsPem() throws Exception {
        ObjectNode c = config(VALID + VALID);
        assertEquals(List.of("webhooks[1].name: Duplicate value: \"a.b.c\""),
                new WebhookConfigurationStrategy(false).validate(c).stream().map(Cause::text).toList());
        ObjectNode ok = config(VALID);
        ((ObjectNode) ok.path("webhooks").get(0).path("clientConfig")).put("caBundle", CA);
        assertEquals(List.of(), new WebhookConfigurationStrategy(false).validate(ok));
    }
}
