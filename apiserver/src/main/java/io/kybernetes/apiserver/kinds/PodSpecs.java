package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.Names;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;

/** Defaulting and validation of a PodSpec, shared by pods and the templates of deployments and replicasets. */
public final class PodSpecs {

    private PodSpecs() {
    }

    static final String[] CONTAINER_LISTS = {"initContainers", "containers", "ephemeralContainers"};

    public static void defaults(ObjectNode spec) {
        putIfAbsent(spec, "restartPolicy", "Always");
        if (!spec.has("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        if (spec.has("serviceAccountName") && !spec.has("serviceAccount")) {
            spec.put("serviceAccount", spec.get("serviceAccountName").asText());
        }
        if (!spec.has("enableServiceLinks")) {
            spec.put("enableServiceLinks", true);
        }
        for (String list : CONTAINER_LISTS) {
            JsonNode cs = spec.get(list);
            if (cs != null && cs.isArray()) {
                for (JsonNode c : cs) {
                    if (c instanceof ObjectNode container) {
                        containerDefaults(container);
                    }
                }
            }
        }
    }

    static void containerDefaults(ObjectNode c) {
        putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(c, "terminationMessagePolicy", "File");
        if (!c.has("imagePullPolicy")) {
            c.put("imagePullPolicy", pullPolicy(c.path("image").asText("")));
        }
        if (!c.has("resources")) {
            c.putObject("resources");
        }
        JsonNode ports = c.get("ports");
        if (ports != null && ports.isArray()) {
            for (JsonNode p : ports) {
                if (p instanceof ObjectNode port) {
                    putIfAbsent(port, "protocol", "TCP");
                }
            }
        }
        for (String kind : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (c.get(kind) instanceof ObjectNode probe) {
                probeDefaults(probe);
            }
        }
        if (c.get("lifecycle") instanceof ObjectNode lifecycle) {
            for (String hook : new String[] {"postStart", "preStop"}) {
                if (lifecycle.get(hook) instanceof ObjectNode handler) {
                    handlerDefaults(handler);
                }
            }
        }
    }

    /** Upstream's probe defaults: 1 s timeout, 10 s period, 1 success, 3 failures, and the handler's. */
    static void probeDefaults(ObjectNode probe) {
        if (!probe.has("timeoutSeconds")) {
            probe.put("timeoutSeconds", 1);
        }
        if (!probe.has("periodSeconds")) {
            probe.put("periodSeconds", 10);
        }
        if (!probe.has("successThreshold")) {
            probe.put("successThreshold", 1);
        }
        if (!probe.has("failureThreshold")) {
            probe.put("failureThreshold", 3);
        }
        handlerDefaults(probe);
    }

    /** httpGet gets path "/" and scheme HTTP; grpc gets service "" (clients read it unconditionally). */
    private static void handlerDefaults(ObjectNode handler) {
        if (handler.get("httpGet") instanceof ObjectNode http) {
            putIfAbsent(http, "path", "/");
            putIfAbsent(http, "scheme", "HTTP");
        }
        if (handler.get("grpc") instanceof ObjectNode grpc) {
            putIfAbsent(grpc, "service", "");
        }
    }

    /** Always for ":latest" or untagged images (without a digest), else IfNotPresent. */
    static String pullPolicy(String image) {
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        String last = image.substring(slash + 1);
        int colon = last.indexOf(':');
        if (colon < 0 || last.substring(colon + 1).equals("latest")) {
            return "Always";
        }
        return "IfNotPresent";
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field)) {
            o.put(field, value);
        }
    }

    /** Required fields and names of a PodSpec at {@code path}. */
    public static List<Cause> validate(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        if (spec == null || !spec.isObject()) {
            causes.add(Cause.required(path));
            return causes;
        }
        JsonNode containers = spec.get("containers");
        if (containers == null || !containers.isArray() || containers.isEmpty()) {
            causes.add(Cause.required(path + ".containers"));
        }
        Set<String> names = new HashSet<>();
        for (String list : CONTAINER_LISTS) {
            JsonNode cs = spec.get(list);
            if (cs == null || !cs.isArray()) {
                continue;
            }
            for (int i = 0; i < cs.size(); i++) {
                JsonNode c = cs.get(i);
                String p = path + "." + list + "[" + i + "]";
                String name = c.path("name").asText("");
                if (name.isEmpty()) {
                    causes.add(Cause.required(p + ".name"));
                } else {
                    causes.addAll(Names.validate(p + ".name", name, Strategy.NameRule.LABEL));
                    if (!names.add(name)) {
                        causes.add(Cause.duplicate(p + ".name", name));
                    }
                }
                if (!list.equals("ephemeralContainers") && c.path("image").asText("").isBlank()) {
                    causes.add(Cause.required(p + ".image"));
                }
                String pull = c.path("imagePullPolicy").asText("");
                if (!pull.isEmpty() && !Set.of("Always", "IfNotPresent", "Never").contains(pull)) {
                    causes.add(Cause.notSupported(p + ".imagePullPolicy", pull,
                            "supported values: \"Always\", \"IfNotPresent\", \"Never\""));
                }
                JsonNode ports = c.get("ports");
                if (ports != null && ports.isArray()) {
                    for (int j = 0; j < ports.size(); j++) {
                        int cp = ports.get(j).path("containerPort").asInt(0);
                        if (cp < 1 || cp > 65535) {
                            causes.add(Cause.invalid(p + ".ports[" + j + "].containerPort", cp,
                                    "must be between 1 and 65535, inclusive"));
                        }
                    }
                }
            }
        }
        String rp = spec.path("restartPolicy").asText("Always");
        if (!Set.of("Always", "OnFailure", "Never").contains(rp)) {
            causes.add(Cause.notSupported(path + ".restartPolicy", rp,
                    "supported values: \"Always\", \"OnFailure\", \"Never\""));
        }
        return causes;
    }

    /** The QoS class of a pod spec: Guaranteed, Burstable or BestEffort. */
    public static String qosClass(JsonNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                JsonNode requests = c.path("resources").path("requests");
                JsonNode limits = c.path("resources").path("limits");
                if (requests.size() > 0 || limits.size() > 0) {
                    any = true;
                }
                for (String r : new String[] {"cpu", "memory"}) {
                    JsonNode l = limits.get(r);
                    JsonNode q = requests.get(r);
                    if (l == null || (q != null && !q.asText().equals(l.asText()))) {
                        guaranteed = false;
                    }
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
