package io.kybernetes.apiserver.admission.limitranger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MutatingPlugin;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.admission.Quantity;
import io.kybernetes.apiserver.admission.ValidatingPlugin;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;

/**
 * Upstream's LimitRanger: the namespace's LimitRanges give new pods' containers their default limits and requests
 * (noted in the {@value #ANNOTATION} annotation), and bound the min, max and maxLimitRequestRatio of Containers,
 * Pods (sums over containers, init containers counted by their largest) and PersistentVolumeClaims (requested
 * storage), with upstream's messages. Pod updates are not checked: containers' resources cannot change.
 */
@ApplicationScoped
public class LimitRanger implements MutatingPlugin, ValidatingPlugin {

    public static final String NAME = "LimitRanger";
    static final String ANNOTATION = "kubernetes.io/limit-ranger";

    private final EtcdStore store;

    public LimitRanger(EtcdStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    private static boolean applies(AdmissionRequest a) {
        return a.operation() == Operation.CREATE && (a.isCore("pods") || a.isCore("persistentvolumeclaims"));
    }

    private CompletableFuture<List<JsonNode>> items(String ns) {
        return store.list("/registry/limitranges/" + ns + "/").thenApply(l -> {
            List<JsonNode> items = new ArrayList<>();
            for (StoredValue v : l.items()) {
                GenericStore.decode(v).path("spec").path("limits").forEach(i -> items.add(defaulted(i)));
            }
            return items;
        });
    }

    /** Upstream's LimitRangeItem defaults for Containers: default from max, defaultRequest from default, then min. */
    static JsonNode defaulted(JsonNode item) {
        if (!"Container".equals(item.path("type").asText())) {
            return item;
        }
        ObjectNode i = ((ObjectNode) item).deepCopy();
        ObjectNode def = Json.with(i, "default");
        ObjectNode req = Json.with(i, "defaultRequest");
        i.path("max").fields().forEachRemaining(e -> {
            if (!def.has(e.getKey())) {
                def.set(e.getKey(), e.getValue());
            }
        });
        def.fields().forEachRemaining(e -> {
            if (!req.has(e.getKey())) {
                req.set(e.getKey(), e.getValue());
            }
        });
        i.path("min").fields().forEachRemaining(e -> {
            if (!req.has(e.getKey())) {
                req.set(e.getKey(), e.getValue());
            }
        });
        return i;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        if (!applies(a) || !a.isCore("pods")) {
            return CompletableFuture.completedFuture(null);
        }
        return items(a.namespace()).thenAccept(items -> applyDefaults(a.object(), items));
    }

    /** Sets missing container limits and requests from the Container items' defaults. */
    static void applyDefaults(ObjectNode pod, List<JsonNode> items) {
        List<String> notes = new ArrayList<>();
        for (JsonNode item : items) {
            if (!"Container".equals(item.path("type").asText())) {
                continue;
            }
            for (String[] list : new String[][] {{"containers", "container"}, {"initContainers", "init container"}}) {
                for (JsonNode c : pod.path("spec").path(list[0])) {
                    if (c instanceof ObjectNode container) {
                        merge(container, item, list[1], notes);
                    }
                }
            }
        }
        if (!notes.isEmpty()) {
            Json.with(pod, "metadata", "annotations").put(ANNOTATION,
                    "LimitRanger plugin set: " + String.join("; ", notes));
        }
    }

    private static void merge(ObjectNode container, JsonNode item, String prefix, List<String> notes) {
        ObjectNode resources = Json.with(container, "resources");
        TreeSet<String> requests = new TreeSet<>();
        TreeSet<String> limits = new TreeSet<>();
        item.path("default").fields().forEachRemaining(e -> {
            if (!resources.path("limits").has(e.getKey())) {
                Json.with(resources, "limits").set(e.getKey(), e.getValue());
                limits.add(e.getKey());
            }
        });
        item.path("defaultRequest").fields().forEachRemaining(e -> {
            if (!resources.path("requests").has(e.getKey())) {
                Json.with(resources, "requests").set(e.getKey(), e.getValue());
                requests.add(e.getKey());
            }
        });
        String name = container.path("name").asText();
        if (!requests.isEmpty()) {
            notes.add(String.join(", ", requests) + " request for " + prefix + " " + name);
        }
        if (!limits.isEmpty()) {
            notes.add(String.join(", ", limits) + " limit for " + prefix + " " + name);
        }
    }

    @Override
    public CompletableFuture<Void> validate(AdmissionRequest a) {
        if (!applies(a)) {
            return CompletableFuture.completedFuture(null);
        }
        return items(a.namespace()).thenAccept(items -> {
            List<String> errors = a.isCore("pods") ? validatePod(a.object(), items) : validateClaim(a.object(), items);
            if (!errors.isEmpty()) {
                throw a.forbidden(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
            }
        });
    }

    static List<String> validatePod(JsonNode pod, List<JsonNode> items) {
        List<String> errors = new ArrayList<>();
        JsonNode spec = pod.path("spec");
        for (JsonNode item : items) {
            String type = item.path("type").asText();
            if (type.equals("Container")) {
                for (String list : new String[] {"initContainers", "containers"}) {
                    for (JsonNode c : spec.path(list)) {
                        check("Container", item, quantities(c.path("resources").path("requests")),
                                quantities(c.path("resources").path("limits")), errors);
                    }
                }
            } else if (type.equals("Pod")) {
                check("Pod", item, podTotal(spec, "requests"), podTotal(spec, "limits"), errors);
            }
        }
        return errors;
    }

    static List<String> validateClaim(JsonNode claim, List<JsonNode> items) {
        List<String> errors = new ArrayList<>();
        Map<String, Quantity> requests = quantities(claim.path("spec").path("resources").path("requests"));
        for (JsonNode item : items) {
            if (!item.path("type").asText().equals("PersistentVolumeClaim")) {
                continue;
            }
            // as upstream: min against the request; max, reversed, against the request as if it were the limit
            eachBound(item.path("min"), (k, v) -> min("PersistentVolumeClaim", k, v, requests, Map.of(), errors));
            eachBound(item.path("max"), (k, v) -> max("PersistentVolumeClaim", k, v, Map.of(), requests, errors));
        }
        return errors;
    }

    private static void check(String type, JsonNode item, Map<String, Quantity> req, Map<String, Quantity> lim,
            List<String> errors) {
        eachBound(item.path("min"), (k, v) -> min(type, k, v, req, lim, errors));
        eachBound(item.path("max"), (k, v) -> max(type, k, v, req, lim, errors));
        eachBound(item.path("maxLimitRequestRatio"), (k, v) -> ratio(type, k, v, req, lim, errors));
    }

    private static void eachBound(JsonNode bounds, java.util.function.BiConsumer<String, String> f) {
        for (Iterator<Map.Entry<String, JsonNode>> it = bounds.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            f.accept(e.getKey(), e.getValue().asText());
        }
    }

    static void min(String type, String res, String enforced, Map<String, Quantity> req, Map<String, Quantity> lim,
            List<String> errors) {
        Quantity e = Quantity.parse(enforced);
        Quantity r = req.get(res);
        if (r == null) {
            errors.add("minimum " + res + " usage per " + type + " is " + enforced + ".  No request is specified");
            return;
        }
        if (r.compareTo(e) < 0) {
            errors.add("minimum " + res + " usage per " + type + " is " + enforced + ", but request is " + r);
        }
        Quantity l = lim.get(res);
        if (l != null && l.compareTo(e) < 0) {
            errors.add("minimum " + res + " usage per " + type + " is " + enforced + ", but limit is " + l);
        }
    }

    static void max(String type, String res, String enforced, Map<String, Quantity> req, Map<String, Quantity> lim,
            List<String> errors) {
        Quantity e = Quantity.parse(enforced);
        Quantity l = lim.get(res);
        if (l == null) {
            errors.add("maximum " + res + " usage per " + type + " is " + enforced + ".  No limit is specified");
            return;
        }
        if (l.compareTo(e) > 0) {
            errors.add("maximum " + res + " usage per " + type + " is " + enforced + ", but limit is " + l);
        }
        Quantity r = req.get(res);
        if (r != null && r.compareTo(e) > 0) {
            errors.add("maximum " + res + " usage per " + type + " is " + enforced + ", but request is " + r);
        }
    }

    static void ratio(String type, String res, String enforced, Map<String, Quantity> req, Map<String, Quantity> lim,
            List<String> errors) {
        Quantity r = req.get(res);
        Quantity l = lim.get(res);
        if (r == null || r.isZero()) {
            errors.add(res + " max limit to request ratio per " + type + " is " + enforced
                    + ", but no request is specified or request is 0");
            return;
        }
        if (l == null || l.isZero()) {
            errors.add(res + " max limit to request ratio per " + type + " is " + enforced
                    + ", but no limit is specified or limit is 0");
            return;
        }
        double observed = l.value().doubleValue() / r.value().doubleValue();
        if (observed > Quantity.parse(enforced).value().doubleValue()) {
            errors.add(res + " max limit to request ratio per " + type + " is " + enforced
                    + ", but provided ratio is " + String.format(Locale.ROOT, "%f", observed));
        }
    }

    static Map<String, Quantity> quantities(JsonNode list) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        list.fields().forEachRemaining(e -> out.put(e.getKey(), Quantity.parse(e.getValue().asText())));
        return out;
    }

    /** A pod's total of {@code field} (requests or limits): the containers' sum, at least each init container's. */
    public static Map<String, Quantity> podTotal(JsonNode spec, String field) {
        Map<String, Quantity> sum = new LinkedHashMap<>();
        for (JsonNode c : spec.path("containers")) {
            quantities(c.path("resources").path(field)).forEach((k, v) -> sum.merge(k, v, Quantity::add));
        }
        for (JsonNode c : spec.path("initContainers")) {
            quantities(c.path("resources").path(field)).forEach((k, v) -> sum.merge(k, v,
                    (x, y) -> x.compareTo(y) >= 0 ? x : y));
        }
        return sum;
    }
}
