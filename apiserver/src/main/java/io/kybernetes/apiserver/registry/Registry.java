package io.kybernetes.apiserver.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.kinds.ConfigMapStrategy;
import io.kybernetes.apiserver.kinds.DeploymentStrategy;
import io.kybernetes.apiserver.kinds.EndpointsStrategy;
import io.kybernetes.apiserver.kinds.EventStrategy;
import io.kybernetes.apiserver.kinds.LeaseStrategy;
import io.kybernetes.apiserver.kinds.NamespaceStrategy;
import io.kybernetes.apiserver.kinds.NodeStrategy;
import io.kybernetes.apiserver.kinds.PlainStrategy;
import io.kybernetes.apiserver.kinds.PodStrategy;
import io.kybernetes.apiserver.kinds.ReplicaSetStrategy;
import io.kybernetes.apiserver.kinds.SecretStrategy;
import io.kybernetes.apiserver.kinds.ServiceAccountStrategy;
import io.kybernetes.apiserver.kinds.ServiceStrategy;

/** Every served resource: one registration line each. Discovery, routing, OpenAPI and protobuf read it. */
@ApplicationScoped
public class Registry implements ResourceRegistry {

    private static final List<String> ALL = List.of("all");

    private final Map<String, Resource> byPath = new LinkedHashMap<>();

    public Registry(NamespaceStrategy namespaces, NodeStrategy nodes, PodStrategy pods, ServiceStrategy services,
            EndpointsStrategy endpoints, ConfigMapStrategy configMaps, SecretStrategy secrets,
            ServiceAccountStrategy serviceAccounts, EventStrategy events, DeploymentStrategy deployments,
            ReplicaSetStrategy replicaSets, LeaseStrategy leases, PlainStrategy plain) {
        add("", "namespaces", "Namespace", false, List.of("ns"), List.of(), List.of("status", "finalize"), namespaces);
        add("", "nodes", "Node", false, List.of("no"), List.of(), List.of("status"), nodes);
        add("", "pods", "Pod", true, List.of("po"), ALL, List.of("status", "binding", "log"), pods);
        add("", "bindings", "Binding", true, List.of(), List.of(), List.of(), plain);
        add("", "services", "Service", true, List.of("svc"), ALL, List.of("status"), services);
        add("", "endpoints", "Endpoints", true, List.of("ep"), List.of(), List.of(), endpoints);
        add("", "configmaps", "ConfigMap", true, List.of("cm"), List.of(), List.of(), configMaps);
        add("", "secrets", "Secret", true, List.of(), List.of(), List.of(), secrets);
        add("", "serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of(), List.of(), serviceAccounts);
        add("", "events", "Event", true, List.of("ev"), List.of(), List.of(), events);
        add("apps", "deployments", "Deployment", true, List.of("deploy"), ALL, List.of("status", "scale"), deployments);
        add("apps", "replicasets", "ReplicaSet", true, List.of("rs"), ALL, List.of("status", "scale"), replicaSets);
        add("coordination.k8s.io", "leases", "Lease", true, List.of(), List.of(), List.of(), leases);
    }

    private void add(String group, String resource, String kind, boolean namespaced, List<String> shortNames,
            List<String> categories, List<String> subresources, Strategy strategy) {
        ResourceType t = new ResourceType(group, "v1", resource, kind, namespaced, shortNames, categories, subresources);
        byPath.put(group + "/v1/" + resource, new Resource(t, strategy));
    }

    @Override
    public List<ResourceType> all() {
        return byPath.values().stream().map(Resource::type).toList();
    }

    @Override
    public Optional<ResourceType> find(String group, String version, String resource) {
        return resource(group, version, resource).map(Resource::type);
    }

    @Override
    public Optional<ResourceType> findKind(String apiVersion, String kind) {
        return byPath.values().stream().map(Resource::type)
                .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind)).findFirst();
    }

    public Optional<Resource> resource(String group, String version, String resource) {
        return Optional.ofNullable(byPath.get(group + "/" + version + "/" + resource));
    }

    /** The served group/versions in discovery order: "" (core) first. */
    public List<String> groups() {
        List<String> groups = new ArrayList<>();
        for (Resource r : byPath.values()) {
            if (!groups.contains(r.group())) {
                groups.add(r.group());
            }
        }
        return groups;
    }

    public List<Resource> resources(String group, String version) {
        return byPath.values().stream().filter(r -> r.group().equals(group) && r.type().version().equals(version)).toList();
    }
}
