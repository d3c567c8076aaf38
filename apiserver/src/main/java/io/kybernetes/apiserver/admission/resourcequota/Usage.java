package io.kybernetes.apiserver.admission.resourcequota;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.admission.Quantity;
import io.kybernetes.apiserver.admission.limitranger.LimitRanger;

/**
 * What one object counts against a quota, as upstream's evaluators: {@code count/<resource>[.<group>]} for every
 * kind, the legacy object counts (pods, services, configmaps, secrets, persistentvolumeclaims, resourcequotas,
 * replicationcontrollers, services.loadbalancers, services.nodeports), pods' compute resources
 * (requests.cpu/memory, limits.cpu/memory, cpu and memory as requests) and claims' requests.storage (also per
 * storage class). Pods that finished count nothing.
 */
public final class Usage {

    static final Set<String> LEGACY_COUNTS = Set.of("pods", "services", "configmaps", "secrets",
            "persistentvolumeclaims", "resourcequotas", "replicationcontrollers");
    static final Quantity ONE = Quantity.parse("1");

    private Usage() {
    }

    /** The usage of {@code obj}, an object of {@code resource} in {@code group}. */
    public static Map<String, Quantity> of(String group, String resource, JsonNode obj) {
        Map<String, Quantity> u = new TreeMap<>();
        if (resource.equals("pods") && group.isEmpty()) {
            String phase = obj.path("status").path("phase").asText("");
            if (phase.equals("Succeeded") || phase.equals("Failed")) {
                return u;
            }
        }
        u.put("count/" + resource + (group.isEmpty() ? "" : "." + group), ONE);
        if (!group.isEmpty()) {
            return u;
        }
        if (LEGACY_COUNTS.contains(resource)) {
            u.put(resource, ONE);
        }
        JsonNode spec = obj.path("spec");
        switch (resource) {
            case "pods" -> {
                LimitRanger.podTotal(spec, "requests").forEach((k, v) -> {
                    u.put("requests." + k, v);
                    if (k.equals("cpu") || k.equals("memory") || k.equals("ephemeral-storage")) {
                        u.put(k, v);
                    }
                });
                LimitRanger.podTotal(spec, "limits").forEach((k, v) -> u.put("limits." + k, v));
            }
            case "services" -> {
                String type = spec.path("type").asText("ClusterIP");
                if (type.equals("LoadBalancer")) {
                    u.put("services.loadbalancers", ONE);
                }
                if (type.equals("LoadBalancer") || type.equals("NodePort")) {
                    u.put("services.nodeports", Quantity.parse(Integer.toString(spec.path("ports").size())));
                }
            }
            case "persistentvolumeclaims" -> {
                String storage = spec.path("resources").path("requests").path("storage").asText("");
                String cls = spec.path("storageClassName").asText("");
                if (!storage.isEmpty()) {
                    u.put("requests.storage", Quantity.parse(storage));
                    if (!cls.isEmpty()) {
                        u.put(cls + ".storageclass.storage.k8s.io/requests.storage", Quantity.parse(storage));
                    }
                }
                if (!cls.isEmpty()) {
                    u.put(cls + ".storageclass.storage.k8s.io/persistentvolumeclaims", ONE);
                }
            }
            default -> { }
        }
        return u;
    }

    /** The compute resources a pod must declare for a quota that limits them: resource -> containers missing it. */
    static Map<String, List<String>> missing(JsonNode pod, Set<String> hard) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String h : hard) {
            String field;
            String name;
            if (h.startsWith("requests.") || h.equals("cpu") || h.equals("memory")) {
                field = "requests";
                name = h.startsWith("requests.") ? h.substring(9) : h;
            } else if (h.startsWith("limits.")) {
                field = "limits";
                name = h.substring(7);
            } else {
                continue;
            }
            if (!name.equals("cpu") && !name.equals("memory")) {
                continue;
            }
            for (String list : new String[] {"initContainers", "containers"}) {
                for (JsonNode c : pod.path("spec").path(list)) {
                    if (!c.path("resources").path(field).has(name)) {
                        out.computeIfAbsent(h, k -> new java.util.ArrayList<>()).add(c.path("name").asText());
                    }
                }
            }
        }
        return out;
    }

    /** Upstream's ResourceList printing: sorted {@code name=quantity} pairs joined by commas. */
    static String print(Map<String, Quantity> list) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(list).forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }

    static Map<String, Quantity> parse(JsonNode list) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        list.fields().forEachRemaining(e -> out.put(e.getKey(), Quantity.parse(e.getValue().asText())));
        return out;
    }
}
