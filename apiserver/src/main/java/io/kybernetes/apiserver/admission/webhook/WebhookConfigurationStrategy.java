package io.kybernetes.apiserver.admission.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.selection.LabelSelector;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * admissionregistration.k8s.io/v1 Mutating- and ValidatingWebhookConfigurations: v1's defaults (failurePolicy Fail,
 * matchPolicy Equivalent, empty selectors, timeoutSeconds 10, rule scope *, service port 443, reinvocationPolicy
 * Never) and the checks of the fields an admission relies on, with upstream's field paths.
 */
public class WebhookConfigurationStrategy implements Strategy {

    static final Set<String> OPERATIONS = Set.of("*", "CREATE", "UPDATE", "DELETE", "CONNECT");

    private final boolean mutating;

    public WebhookConfigurationStrategy(boolean mutating) {
        this.mutating = mutating;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        for (JsonNode node : obj.path("webhooks")) {
            if (!(node instanceof ObjectNode w)) {
                continue;
            }
            putIfAbsent(w, "failurePolicy", "Fail");
            putIfAbsent(w, "matchPolicy", "Equivalent");
            if (!w.has("namespaceSelector")) {
                w.putObject("namespaceSelector");
            }
            if (!w.has("objectSelector")) {
                w.putObject("objectSelector");
            }
            if (!w.has("timeoutSeconds")) {
                w.put("timeoutSeconds", 10);
            }
            if (mutating) {
                putIfAbsent(w, "reinvocationPolicy", "Never");
            }
            for (JsonNode r : w.path("rules")) {
                if (r instanceof ObjectNode rule) {
                    putIfAbsent(rule, "scope", "*");
                }
            }
            if (w.path("clientConfig").path("service") instanceof ObjectNode svc && !svc.has("port")) {
                svc.put("port", 443);
            }
        }
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field)) {
            o.put(field, value);
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode w : obj.path("webhooks")) {
            String at = "webhooks[" + i++ + "]";
            String name = w.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(Cause.required(at + ".name"));
            } else if (name.split("\\.", -1).length < 3) {
                causes.add(Cause.invalid(at + ".name", name, "should be a domain with at least three segments "
                        + "separated by dots"));
            } else if (!names.add(name)) {
                causes.add(Cause.duplicate(at + ".name", name));
            }
            validateWebhook(w, at, causes);
        }
        return causes;
    }

    private void validateWebhook(JsonNode w, String at, List<Cause> causes) {
        JsonNode versions = w.path("admissionReviewVersions");
        if (!versions.isArray() || versions.isEmpty()) {
            causes.add(Cause.required(at + ".admissionReviewVersions"));
        } else {
            boolean v1 = false;
            for (JsonNode v : versions) {
                v1 |= v.asText().equals("v1");
            }
            if (!v1) {
                causes.add(Cause.invalid(at + ".admissionReviewVersions", versions.toString(),
                        "must include at least one of v1"));
            }
        }
        String sideEffects = w.path("sideEffects").asText("");
        if (sideEffects.isEmpty()) {
            causes.add(Cause.required(at + ".sideEffects"));
        } else if (!sideEffects.equals("None") && !sideEffects.equals("NoneOnDryRun")) {
            causes.add(Cause.notSupported(at + ".sideEffects", sideEffects,
                    "supported values: \"None\", \"NoneOnDryRun\""));
        }
        oneOf(w, "failurePolicy", at, causes, "Fail", "Ignore");
        oneOf(w, "matchPolicy", at, causes, "Equivalent", "Exact");
        if (mutating) {
            oneOf(w, "reinvocationPolicy", at, causes, "IfNeeded", "Never");
        }
        int timeout = w.path("timeoutSeconds").asInt(10);
        if (timeout < 1 || timeout > 30) {
            causes.add(Cause.invalid(at + ".timeoutSeconds", timeout,
                    "the timeout value must be between 1 and 30 seconds"));
        }
        for (String selector : List.of("namespaceSelector", "objectSelector")) {
            try {
                LabelSelector.fromObject(w.get(selector));
            } catch (IllegalArgumentException e) {
                causes.add(Cause.invalid(at + "." + selector, w.path(selector).toString(), e.getMessage()));
            }
        }
        int j = 0;
        for (JsonNode r : w.path("rules")) {
            validateRule(r, at + ".rules[" + j++ + "]", causes);
        }
        validateClientConfig(w.path("clientConfig"), at + ".clientConfig", causes);
    }

    private static void oneOf(JsonNode w, String field, String at, List<Cause> causes, String a, String b) {
        String v = w.path(field).asText(a);
        if (!v.equals(a) && !v.equals(b)) {
            causes.add(Cause.notSupported(at + "." + field, v, "supported values: \"" + a + "\", \"" + b + "\""));
        }
    }

    private static void validateRule(JsonNode r, String at, List<Cause> causes) {
        for (String list : List.of("operations", "apiGroups", "apiVersions", "resources")) {
            if (!r.path(list).isArray() || r.path(list).isEmpty()) {
                causes.add(Cause.required(at + "." + list));
            }
        }
        int k = 0;
        for (JsonNode op : r.path("operations")) {
            if (!OPERATIONS.contains(op.asText())) {
                causes.add(Cause.notSupported(at + ".operations[" + k + "]", op.asText(),
                        "supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\""));
            }
            k++;
        }
        k = 0;
        for (JsonNode res : r.path("resources")) {
            String s = res.asText();
            if (s.isEmpty() || s.split("/", -1).length > 2 || s.startsWith("/") || s.endsWith("/")) {
                causes.add(Cause.invalid(at + ".resources[" + k + "]", s, "must be a resource or resource/subresource"));
            }
            k++;
        }
        String scope = r.path("scope").asText("*");
        if (!scope.equals("*") && !scope.equals("Cluster") && !scope.equals("Namespaced")) {
            causes.add(Cause.notSupported(at + ".scope", scope, "supported values: \"*\", \"Cluster\", \"Namespaced\""));
        }
    }

    private static void validateClientConfig(JsonNode cc, String at, List<Cause> causes) {
        boolean url = cc.hasNonNull("url");
        boolean service = cc.hasNonNull("service");
        if (url == service) {
            causes.add(new Cause("FieldValueRequired", at, "Required value: exactly one of url or service is required"));
        } else if (url) {
            String u = cc.get("url").asText("");
            try {
                URI parsed = new URI(u);
                if (!"https".equals(parsed.getScheme())) {
                    causes.add(Cause.invalid(at + ".url", u, "'https' is the only allowed URL scheme"));
                } else if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
                    causes.add(Cause.invalid(at + ".url", u, "host must be specified"));
                } else if (parsed.getRawFragment() != null || parsed.getRawUserInfo() != null) {
                    causes.add(Cause.invalid(at + ".url", u, "fragments and user information are not permitted"));
                }
            } catch (java.net.URISyntaxException e) {
                causes.add(Cause.invalid(at + ".url", u, "url must be a valid URL: " + e.getMessage()));
            }
        } else {
            JsonNode s = cc.get("service");
            if (s.path("name").asText("").isEmpty()) {
                causes.add(Cause.required(at + ".service.name"));
            }
            if (s.path("namespace").asText("").isEmpty()) {
                causes.add(Cause.required(at + ".service.namespace"));
            }
            int port = s.path("port").asInt(443);
            if (port < 1 || port > 65535) {
                causes.add(Cause.invalid(at + ".service.port", port, "port is not valid: must be between 1 and 65535, inclusive"));
            }
            String path = s.path("path").asText("");
            if (!path.isEmpty() && !path.startsWith("/")) {
                causes.add(Cause.invalid(at + ".service.path", path, "must start with a '/'"));
            }
        }
        String ca = cc.path("caBundle").asText("");
        if (!ca.isEmpty()) {
            try {
                String pem = new String(Base64.getDecoder().decode(ca), java.nio.charset.StandardCharsets.US_ASCII);
                if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
                    causes.add(Cause.invalid(at + ".caBundle", "", "must be PEM-encoded certificates"));
                }
            } catch (IllegalArgumentException e) {
                causes.add(Cause.invalid(at + ".caBundle", "", "illegal base64 data"));
            }
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Webhooks", "integer", "Webhooks of this configuration."),
                Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        return List.of(Json.str(obj, "metadata.name"), obj.path("webhooks").size(),
                Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
