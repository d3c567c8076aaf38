package io.kybernetes.apiserver.admission.webhook;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.selection.LabelSelector;

/**
 * One webhook of a Mutating- or ValidatingWebhookConfiguration, with v1's defaults applied: failurePolicy Fail,
 * matchPolicy Equivalent, empty selectors (everything), timeoutSeconds 10, service port 443, reinvocationPolicy
 * Never ({@code reinvoke} is IfNeeded).
 */
public record Webhook(String configuration, String name, List<Rule> rules, boolean failOpen, boolean exactMatch,
        LabelSelector namespaceSelector, LabelSelector objectSelector, String sideEffects, int timeoutSeconds,
        Endpoint endpoint, boolean reinvoke) {

    /** Where the webhook is reached: a URL, or a Service (namespace/name/port/path); caBundle may be empty. */
    public record Endpoint(String url, String serviceNamespace, String serviceName, int servicePort,
            String servicePath, String caBundle) {

        public boolean isService() {
            return url.isEmpty();
        }

        /** The host name the server's certificate must carry: the URL's host, or {@code <svc>.<ns>.svc}. */
        public String describe() {
            return isService() ? serviceName + "." + serviceNamespace + ".svc:" + servicePort + servicePath : url;
        }
    }

    public static List<Webhook> of(JsonNode configuration) {
        String config = configuration.path("metadata").path("name").asText("");
        List<Webhook> out = new ArrayList<>();
        for (JsonNode w : configuration.path("webhooks")) {
            List<Rule> rules = new ArrayList<>();
            w.path("rules").forEach(r -> rules.add(Rule.of(r)));
            JsonNode cc = w.path("clientConfig");
            JsonNode svc = cc.path("service");
            Endpoint endpoint = new Endpoint(cc.path("url").asText(""), svc.path("namespace").asText(""),
                    svc.path("name").asText(""), svc.path("port").asInt(443), svc.path("path").asText(""),
                    cc.path("caBundle").asText(""));
            out.add(new Webhook(config, w.path("name").asText(""), List.copyOf(rules),
                    w.path("failurePolicy").asText("Fail").equals("Ignore"),
                    w.path("matchPolicy").asText("Equivalent").equals("Exact"),
                    LabelSelector.fromObject(w.get("namespaceSelector")),
                    LabelSelector.fromObject(w.get("objectSelector")), w.path("sideEffects").asText("Unknown"),
                    w.path("timeoutSeconds").asInt(10), endpoint,
                    w.path("reinvocationPolicy").asText("Never").equals("IfNeeded")));
        }
        return out;
    }

    /** Whether any rule covers the request (upstream's rules matcher). */
    public boolean matchesRules(String operation, String group, String version, String resource, String subresource,
            boolean namespaced) {
        for (Rule r : rules) {
            if (r.matches(operation, group, version, resource, subresource, namespaced)) {
                return true;
            }
        }
        return false;
    }

    /** Whether it may be called for a dry run (it declares it has no side effects, or none on dry runs). */
    public boolean dryRunSafe() {
        return sideEffects.equals("None") || sideEffects.equals("NoneOnDryRun");
    }
}
