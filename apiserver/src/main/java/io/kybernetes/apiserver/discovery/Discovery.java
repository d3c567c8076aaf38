package io.kybernetes.apiserver.discovery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.metrics.MetricsApi;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.registry.ResourceType;

/** Legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList) and /version. */
@ApplicationScoped
public class Discovery {

    public static final String GIT_VERSION = "v1.32.0";
    static final List<String> ALL_VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    private final Registry registry;

    public Discovery(Registry registry) {
        this.registry = registry;
    }

    public ObjectNode version() {
        ObjectNode v = Json.object();
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", GIT_VERSION);
        v.put("gitCommit", "kybernetes");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-11-24T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", "linux/amd64");
        return v;
    }

    public ObjectNode apiVersions(String serverAddress) {
        ObjectNode v = Json.object();
        v.put("kind", "APIVersions");
        v.putArray("versions").add("v1");
        v.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
                .put("serverAddress", serverAddress);
        return v;
    }

    public ObjectNode groupList() {
        ObjectNode l = Json.object();
        l.put("kind", "APIGroupList");
        l.put("apiVersion", "v1");
        ArrayNode groups = l.putArray("groups");
        for (String g : registry.groups()) {
            if (!g.isEmpty()) {
                groups.add(group(g));
            }
        }
        groups.add(MetricsApi.group());
        return l;
    }

    public boolean hasGroup(String group) {
        return MetricsApi.GROUP.equals(group) || !group.isEmpty() && registry.groups().contains(group);
    }

    public ObjectNode group(String group) {
        if (MetricsApi.GROUP.equals(group)) {
            return MetricsApi.group();
        }
        ObjectNode g = Json.object();
        g.put("kind", "APIGroup");
        g.put("apiVersion", "v1");
        g.put("name", group);
        List<String> versions = registry.versions(group);
        var list = g.putArray("versions");
        versions.forEach(v -> list.addObject().put("groupVersion", group + "/" + v).put("version", v));
        g.putObject("preferredVersion").put("groupVersion", group + "/" + versions.get(0))
                .put("version", versions.get(0));
        return g;
    }

    /** The APIResourceList of a group version, or null when it is not served. */
    public ObjectNode resourceList(String group, String version) {
        if (MetricsApi.GROUP.equals(group)) {
            return MetricsApi.VERSION.equals(version) ? MetricsApi.resourceList() : null;
        }
        List<Resource> resources = registry.resources(group, version);
        if (resources.isEmpty()) {
            return null;
        }
        ObjectNode l = Json.object();
        l.put("kind", "APIResourceList");
        l.put("apiVersion", "v1");
        l.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode list = l.putArray("resources");
        for (Resource r : resources) {
            ResourceType t = r.type();
            ObjectNode e = list.addObject();
            e.put("name", t.resource());
            e.put("singularName", t.singular());
            e.put("namespaced", t.namespaced());
            e.put("kind", t.kind());
            ArrayNode verbs = e.putArray("verbs");
            (t.kind().equals("Binding") ? List.of("create") : ALL_VERBS).forEach(verbs::add);
            if (!t.shortNames().isEmpty()) {
                ArrayNode sn = e.putArray("shortNames");
                t.shortNames().forEach(sn::add);
            }
            if (!t.categories().isEmpty()) {
                ArrayNode c = e.putArray("categories");
                t.categories().forEach(c::add);
            }
            for (String sub : t.subresources()) {
                ObjectNode s = list.addObject();
                s.put("name", t.resource() + "/" + sub);
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                ArrayNode sv = Json.array();
                switch (sub) {
                    case "scale" -> {
                        s.put("group", "autoscaling");
                        s.put("version", "v1");
                        s.put("kind", "Scale");
                        List.of("get", "patch", "update").forEach(sv::add);
                    }
                    case "binding" -> {
                        s.put("kind", "Binding");
                        sv.add("create");
                    }
                    case "log" -> {
                        s.put("kind", t.kind());
                        sv.add("get");
                    }
                    case "finalize" -> {
                        s.put("kind", t.kind());
                        sv.add("update");
                    }
                    case "exec", "attach", "portforward" -> {
                        s.put("kind", switch (sub) {
                            case "exec" -> "PodExecOptions";
                            case "attach" -> "PodAttachOptions";
                            default -> "PodPortForwardOptions";
                        });
                        List.of("create", "get").forEach(sv::add);
                    }
                    case "eviction" -> {
                        s.put("group", "policy");
                        s.put("version", "v1");
                        s.put("kind", "Eviction");
                        sv.add("create");
                    }
                    default -> {
                        s.put("kind", t.kind());
                        List.of("get", "patch", "update").forEach(sv::add);
                    }
                }
                s.set("verbs", sv);
            }
        }
        return l;
    }
}
