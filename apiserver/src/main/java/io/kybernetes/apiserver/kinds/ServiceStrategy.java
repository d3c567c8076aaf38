package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.allocation.ServiceAllocator;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * Services: defaults, cluster IP, node port and health check node port allocation from the store, immutable clusterIP,
 * kubectl's columns.
 */
@ApplicationScoped
public class ServiceStrategy implements Strategy {

    private final ServiceAllocator allocator;

    public ServiceStrategy(ServiceAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.LABEL_1035;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").putObject("loadBalancer");
        prepareForCreateDefaults(obj);
    }

    @Override
    public void prepareForCreateDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.hasNonNull("type")) {
            spec.put("type", "ClusterIP");
        }
        String type = spec.get("type").asText();
        if (type.equals("ExternalName")) {
            return;
        }
        if (!spec.hasNonNull("sessionAffinity")) {
            spec.put("sessionAffinity", "None");
        }
        if (!spec.hasNonNull("internalTrafficPolicy")) {
            spec.put("internalTrafficPolicy", "Cluster");
        }
        if ((type.equals("NodePort") || type.equals("LoadBalancer")) && !spec.hasNonNull("externalTrafficPolicy")) {
            spec.put("externalTrafficPolicy", "Cluster");
        }
        if (spec.has("healthCheckNodePort") && spec.get("healthCheckNodePort").asInt(0) == 0) {
            spec.remove("healthCheckNodePort");
        }
        if (!spec.has("ipFamilies")) {
            spec.putArray("ipFamilies").add("IPv4");
        }
        if (!spec.hasNonNull("ipFamilyPolicy")) {
            spec.put("ipFamilyPolicy", "SingleStack");
        }
        JsonNode ports = spec.get("ports");
        if (ports != null && ports.isArray()) {
            for (JsonNode p : ports) {
                if (p instanceof ObjectNode port) {
                    if (port.has("nodePort") && port.get("nodePort").asInt(0) == 0) {
                        port.remove("nodePort");
                    }
                    if (!port.hasNonNull("protocol")) {
                        port.put("protocol", "TCP");
                    }
                    if (!port.hasNonNull("targetPort") && port.has("port")) {
                        port.set("targetPort", port.get("port"));
                    }
                }
            }
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        ObjectNode spec = Json.with(obj, "spec");
        JsonNode oldSpec = old.path("spec");
        // clients that replace the whole object (kubectl replace, apply) leave out the allocated fields
        if (!spec.hasNonNull("clusterIP") && oldSpec.has("clusterIP")) {
            spec.set("clusterIP", oldSpec.get("clusterIP"));
        }
        if (!spec.has("clusterIPs") && oldSpec.has("clusterIPs")) {
            spec.set("clusterIPs", oldSpec.get("clusterIPs"));
        }
        JsonNode ports = spec.get("ports");
        if (ports != null) {
            for (JsonNode p : ports) {
                if (p instanceof ObjectNode port && !port.has("nodePort")) {
                    for (JsonNode op : oldSpec.path("ports")) {
                        if (op.path("port").asInt() == port.path("port").asInt() && op.has("nodePort")) {
                            port.set("nodePort", op.get("nodePort"));
                        }
                    }
                }
            }
        }
        prepareForCreateDefaults(obj);
        keepOrDropHealthCheckNodePort(spec, oldSpec);
    }

    /**
     * As upstream: a Service that keeps needing a health check node port keeps its port when the update leaves it out
     * (kubectl replace, apply); one that stops needing it loses it unless the update changed it (validation then
     * says why a port is not allowed).
     */
    static void keepOrDropHealthCheckNodePort(ObjectNode spec, JsonNode oldSpec) {
        int oldPort = oldSpec.path("healthCheckNodePort").asInt(0);
        if (oldPort == 0 || !needsHealthCheck(oldSpec)) {
            return;
        }
        int port = spec.path("healthCheckNodePort").asInt(0);
        if (needsHealthCheck(spec) && port == 0) {
            spec.put("healthCheckNodePort", oldPort);
        } else if (!needsHealthCheck(spec) && (port == 0 || port == oldPort)) {
            spec.remove("healthCheckNodePort");
        }
    }

    /** type LoadBalancer with externalTrafficPolicy Local: load balancers ask this port which nodes have endpoints. */
    public static boolean needsHealthCheck(JsonNode spec) {
        return spec.path("type").asText("").equals("LoadBalancer") && spec.path("externalTrafficPolicy").asText("").equals("Local");
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        if (!Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName").contains(type)) {
            causes.add(Cause.notSupported("spec.type", type,
                    "supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
        }
        if (type.equals("ExternalName")) {
            if (spec.path("externalName").asText("").isEmpty()) {
                causes.add(Cause.required("spec.externalName"));
            }
            return causes;
        }
        JsonNode ports = spec.path("ports");
        boolean headless = spec.path("clusterIP").asText("").equals("None");
        if (ports.isEmpty() && !headless) {
            causes.add(Cause.required("spec.ports"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            int port = p.path("port").asInt(0);
            if (port < 1 || port > 65535) {
                causes.add(Cause.invalid("spec.ports[" + i + "].port", port, "must be between 1 and 65535, inclusive"));
            }
            String name = p.path("name").asText("");
            if (ports.size() > 1 && name.isEmpty()) {
                causes.add(Cause.required("spec.ports[" + i + "].name"));
            } else if (!name.isEmpty() && !names.add(name)) {
                causes.add(Cause.duplicate("spec.ports[" + i + "].name", name));
            }
            String proto = p.path("protocol").asText("TCP");
            if (!Set.of("TCP", "UDP", "SCTP").contains(proto)) {
                causes.add(Cause.notSupported("spec.ports[" + i + "].protocol", proto,
                        "supported values: \"SCTP\", \"TCP\", \"UDP\""));
            }
            if (p.has("nodePort") && type.equals("ClusterIP")) {
                causes.add(Cause.forbidden("spec.ports[" + i + "].nodePort", "may not be used when `type` is 'ClusterIP'"));
            }
        }
        String etp = spec.path("externalTrafficPolicy").asText("");
        if (!etp.isEmpty() && !Set.of("Cluster", "Local").contains(etp)) {
            causes.add(Cause.notSupported("spec.externalTrafficPolicy", etp, "supported values: \"Cluster\", \"Local\""));
        }
        String itp = spec.path("internalTrafficPolicy").asText("");
        if (!itp.isEmpty() && !Set.of("Cluster", "Local").contains(itp)) {
            causes.add(Cause.notSupported("spec.internalTrafficPolicy", itp, "supported values: \"Cluster\", \"Local\""));
        }
        if (spec.has("healthCheckNodePort")) {
            int hc = spec.path("healthCheckNodePort").asInt(0);
            if (!needsHealthCheck(spec)) {
                causes.add(Cause.invalid("spec.healthCheckNodePort", hc,
                        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
            } else if (hc < 0 || hc > 65535) {
                causes.add(Cause.invalid("spec.healthCheckNodePort", hc, "must be between 1 and 65535, inclusive"));
            }
        }
        String ip = spec.path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None") && !allocator.inRange(ip)) {
            causes.add(Cause.invalid("spec.clusterIPs", ip, "provided IP is not in the valid range. The range of valid IPs is "
                    + allocator.range().at(0) + "/" + allocator.range().prefix()));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        String ip = Json.str(obj, "spec.clusterIP");
        String oldIp = Json.str(old, "spec.clusterIP");
        if (!oldIp.isEmpty() && !ip.equals(oldIp) && !Json.str(obj, "spec.type").equals("ExternalName")) {
            causes.add(Cause.invalid("spec.clusterIPs[0]", ip, "may not change once set"));
        }
        int oldHc = old.path("spec").path("healthCheckNodePort").asInt(0);
        int hc = obj.path("spec").path("healthCheckNodePort").asInt(0);
        if (needsHealthCheck(old.path("spec")) && needsHealthCheck(obj.path("spec")) && oldHc != 0 && hc != oldHc) {
            causes.add(Cause.invalid("spec.healthCheckNodePort", hc,
                    "cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update"));
        }
        return causes;
    }

    @Override
    public CompletableFuture<Void> beforeCreate(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        String type = spec.path("type").asText();
        String owner = Json.str(obj, "metadata.namespace") + "/" + Json.str(obj, "metadata.name");
        List<String> claimedIps = new ArrayList<>();
        List<Integer> claimedPorts = new ArrayList<>();
        CompletableFuture<Void> chain = DONE;
        if (!type.equals("ExternalName")) {
            String requested = spec.path("clusterIP").asText("");
            if (requested.equals("None")) {
                spec.putArray("clusterIPs").add("None");
            } else if (!requested.isEmpty()) {
                chain = allocator.claimIp(requested, owner).thenAccept(ok -> {
                    if (!ok) {
                        throw invalid(obj, Cause.invalid("spec.clusterIPs", requested,
                                "failed to allocate IP " + requested + ": provided IP is already allocated"));
                    }
                    claimedIps.add(requested);
                    spec.putArray("clusterIPs").add(requested);
                });
            } else {
                chain = allocator.allocateIp(owner).thenAccept(a -> {
                    claimedIps.add(a);
                    spec.put("clusterIP", a);
                    spec.putArray("clusterIPs").add(a);
                });
            }
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            JsonNode ports = spec.path("ports");
            for (int i = 0; i < ports.size(); i++) {
                ObjectNode port = (ObjectNode) ports.get(i);
                String field = "spec.ports[" + i + "].nodePort";
                chain = chain.thenCompose(v -> {
                    if (port.has("nodePort")) {
                        int np = port.get("nodePort").asInt();
                        if (!allocator.portInRange(np)) {
                            throw invalid(obj, Cause.invalid(field, np,
                                    "provided port is not in the valid range. The range of valid ports is " + allocator.portRange()));
                        }
                        return allocator.claimPort(np, owner).thenAccept(ok -> {
                            if (!ok) {
                                throw invalid(obj, Cause.invalid(field, np, "provided port is already allocated"));
                            }
                            claimedPorts.add(np);
                        });
                    }
                    return allocator.allocatePort(owner).thenAccept(np -> {
                        claimedPorts.add(np);
                        port.put("nodePort", np);
                    });
                });
            }
        }
        if (needsHealthCheck(spec)) {
            chain = chain.thenCompose(v -> claimHealthCheckNodePort(obj, owner)).thenAccept(claimedPorts::add);
        }
        // on failure give back what this create took (never what another Service holds)
        return chain.handle((v, t) -> t).thenCompose(t -> {
            if (t == null) {
                return DONE;
            }
            List<CompletableFuture<Void>> undo = new ArrayList<>();
            claimedIps.forEach(ip -> undo.add(allocator.releaseIp(ip)));
            claimedPorts.forEach(p -> undo.add(allocator.releasePort(p)));
            return CompletableFuture.allOf(undo.toArray(CompletableFuture[]::new)).thenRun(() -> {
                throw t instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(t);
            });
        });
    }

    /**
     * Takes the health check node port {@code obj} asks for (in the node port range, not taken), or allocates one and
     * sets it; completes with the port.
     */
    CompletableFuture<Integer> claimHealthCheckNodePort(ObjectNode obj, String owner) {
        ObjectNode spec = Json.with(obj, "spec");
        int asked = spec.path("healthCheckNodePort").asInt(0);
        if (asked == 0) {
            return allocator.allocatePort(owner).thenApply(p -> {
                spec.put("healthCheckNodePort", p);
                return p;
            });
        }
        if (!allocator.portInRange(asked)) {
            return CompletableFuture.failedFuture(invalid(obj, Cause.invalid("spec.healthCheckNodePort", asked,
                    "provided port is not in the valid range. The range of valid ports is " + allocator.portRange())));
        }
        return allocator.claimPort(asked, owner).thenApply(ok -> {
            if (!ok) {
                throw invalid(obj, Cause.invalid("spec.healthCheckNodePort", asked, "provided port is already allocated"));
            }
            return asked;
        });
    }

    /**
     * Before an update is written: a Service that starts needing a health check node port (type LoadBalancer with
     * externalTrafficPolicy Local) gets the one it asks for or a free one. Ports the old object holds stay claimed
     * until {@link #afterUpdate} knows whether the write happened.
     */
    @Override
    public CompletableFuture<Void> beforeUpdate(ObjectNode obj, ObjectNode old) {
        int oldHc = heldHealthCheckNodePort(old);
        if (!needsHealthCheck(obj.path("spec")) || (oldHc != 0 && oldHc == obj.path("spec").path("healthCheckNodePort").asInt(0))) {
            return DONE;
        }
        String owner = Json.str(obj, "metadata.namespace") + "/" + Json.str(obj, "metadata.name");
        return claimHealthCheckNodePort(obj, owner).thenAccept(p -> { });
    }

    /**
     * After an update: written, the health check node port the old object held and the new one does not is released
     * (the policy or the type changed); not written, the one {@link #beforeUpdate} took is given back.
     */
    @Override
    public CompletableFuture<Void> afterUpdate(ObjectNode obj, ObjectNode old, boolean written) {
        int now = heldHealthCheckNodePort(obj);
        int before = heldHealthCheckNodePort(old);
        int release = written ? before : now;
        return release != 0 && now != before ? allocator.releasePort(release) : DONE;
    }

    /** The health check node port an object holds in the allocator; 0 when none. */
    static int heldHealthCheckNodePort(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        return needsHealthCheck(spec) ? spec.path("healthCheckNodePort").asInt(0) : 0;
    }

    private static ApiException invalid(ObjectNode obj, Cause c) {
        return ApiException.invalid("", "Service", Json.str(obj, "metadata.name"), List.of(c));
    }

    @Override
    public CompletableFuture<Void> createFailed(ObjectNode obj) {
        return afterDelete(obj);
    }

    @Override
    public CompletableFuture<Void> afterDelete(ObjectNode obj) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        String ip = Json.str(obj, "spec.clusterIP");
        if (!ip.isEmpty() && !ip.equals("None")) {
            all.add(allocator.releaseIp(ip));
        }
        for (JsonNode p : obj.path("spec").path("ports")) {
            if (p.has("nodePort")) {
                all.add(allocator.releasePort(p.get("nodePort").asInt()));
            }
        }
        int hc = heldHealthCheckNodePort(obj);
        if (hc != 0) {
            all.add(allocator.releasePort(hc));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(),
                Column.of("Type", "string", "type determines how the Service is exposed."),
                Column.of("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
                Column.of("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
                Column.of("Port(s)", "string", "The list of ports that are exposed by this service."),
                Column.age(),
                Column.wide("Selector", "string", "Route service traffic to pods with label keys and values matching this selector."));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        List<String> ports = new ArrayList<>();
        for (JsonNode p : spec.path("ports")) {
            String s = p.path("port").asText();
            if (p.has("nodePort")) {
                s += ":" + p.path("nodePort").asText();
            }
            ports.add(s + "/" + p.path("protocol").asText("TCP"));
        }
        List<String> external = new ArrayList<>();
        spec.path("externalIPs").forEach(e -> external.add(e.asText()));
        obj.path("status").path("loadBalancer").path("ingress").forEach(i -> external.add(i.path("ip").asText(i.path("hostname").asText())));
        String ext;
        if (type.equals("ExternalName")) {
            ext = spec.path("externalName").asText();
        } else if (!external.isEmpty()) {
            ext = String.join(",", external);
        } else {
            ext = type.equals("LoadBalancer") ? "<pending>" : "<none>";
        }
        List<String> sel = new ArrayList<>();
        spec.path("selector").fields().forEachRemaining(e -> sel.add(e.getKey() + "=" + e.getValue().asText()));
        sel.sort(null);
        return List.of(Json.str(obj, "metadata.name"), type, PodStrategy.or(spec.path("clusterIP").asText(""), "<none>"),
                ext, ports.isEmpty() ? "<none>" : String.join(",", ports),
                Age.since(Json.str(obj, "metadata.creationTimestamp")), sel.isEmpty() ? "<none>" : String.join(",", sel));
    }

}
