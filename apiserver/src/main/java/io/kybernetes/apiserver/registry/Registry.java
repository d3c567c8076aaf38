package io.kybernetes.apiserver.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.admission.webhook.WebhookConfigurationStrategy;
import io.kybernetes.apiserver.kinds.CertificateSigningRequestStrategy;
import io.kybernetes.apiserver.kinds.ConfigMapStrategy;
import io.kybernetes.apiserver.kinds.ControllerRevisionStrategy;
import io.kybernetes.apiserver.kinds.CronJobStrategy;
import io.kybernetes.apiserver.kinds.CsiDriverStrategy;
import io.kybernetes.apiserver.kinds.CustomResourceDefinitionStrategy;
import io.kybernetes.apiserver.kinds.DaemonSetStrategy;
import io.kybernetes.apiserver.kinds.EndpointSliceStrategy;
import io.kybernetes.apiserver.kinds.EventsV1Conversion;
import io.kybernetes.apiserver.kinds.HorizontalPodAutoscalerStrategy;
import io.kybernetes.apiserver.kinds.HorizontalPodAutoscalerV1Conversion;
import io.kybernetes.apiserver.kinds.IngressClassStrategy;
import io.kybernetes.apiserver.kinds.IngressStrategy;
import io.kybernetes.apiserver.kinds.JobStrategy;
import io.kybernetes.apiserver.kinds.NetworkPolicyStrategy;
import io.kybernetes.apiserver.kinds.PersistentVolumeClaimStrategy;
import io.kybernetes.apiserver.kinds.PersistentVolumeStrategy;
import io.kybernetes.apiserver.kinds.PodDisruptionBudgetStrategy;
import io.kybernetes.apiserver.kinds.PodTemplateStrategy;
import io.kybernetes.apiserver.kinds.PriorityClassStrategy;
import io.kybernetes.apiserver.kinds.ReplicationControllerStrategy;
import io.kybernetes.apiserver.kinds.ResourceQuotaStrategy;
import io.kybernetes.apiserver.kinds.RoleBindingStrategy;
import io.kybernetes.apiserver.kinds.RoleStrategy;
import io.kybernetes.apiserver.kinds.StatefulSetStrategy;
import io.kybernetes.apiserver.kinds.StorageClassStrategy;
import io.kybernetes.apiserver.kinds.VolumeAttachmentStrategy;
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

    /** Copy-on-write: read on every request, replaced when custom resources come and go. */
    private volatile Map<String, Resource> byPath = new LinkedHashMap<>();
    private volatile Map<String, ObjectNode> customSchemas = Map.of();
    private final AtomicLong generation = new AtomicLong();

    public Registry(NamespaceStrategy namespaces, NodeStrategy nodes, PodStrategy pods, ServiceStrategy services,
            EndpointsStrategy endpoints, ConfigMapStrategy configMaps, SecretStrategy secrets,
            ServiceAccountStrategy serviceAccounts, EventStrategy events, DeploymentStrategy deployments,
            ReplicaSetStrategy replicaSets, LeaseStrategy leases, PlainStrategy plain) {
        List<String> status = List.of("status");
        List<String> none = List.of();
        add("", "v1", "namespaces", "Namespace", false, List.of("ns"), none, List.of("status", "finalize"), namespaces);
        add("", "v1", "nodes", "Node", false, List.of("no"), none, status, nodes);
        add("", "v1", "pods", "Pod", true, List.of("po"), ALL, List.of("status", "binding", "log", "eviction", "exec", "attach", "portforward"), pods);
        add("", "v1", "bindings", "Binding", true, none, none, none, plain);
        add("", "v1", "services", "Service", true, List.of("svc"), ALL, status, services);
        add("", "v1", "endpoints", "Endpoints", true, List.of("ep"), none, none, endpoints);
        add("", "v1", "configmaps", "ConfigMap", true, List.of("cm"), none, none, configMaps);
        add("", "v1", "secrets", "Secret", true, none, none, none, secrets);
        add("", "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa"), none, none, serviceAccounts);
        add("", "v1", "events", "Event", true, List.of("ev"), none, none, events);
        add("", "v1", "persistentvolumes", "PersistentVolume", false, List.of("pv"), none, status,
                new PersistentVolumeStrategy());
        add("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), none, status,
                new PersistentVolumeClaimStrategy());
        add("", "v1", "limitranges", "LimitRange", true, List.of("limits"), none, none, plain);
        add("", "v1", "resourcequotas", "ResourceQuota", true, List.of("quota"), none, status,
                new ResourceQuotaStrategy());
        add("", "v1", "podtemplates", "PodTemplate", true, none, none, none, new PodTemplateStrategy());
        add("", "v1", "replicationcontrollers", "ReplicationController", true, List.of("rc"), ALL,
                List.of("status", "scale"), new ReplicationControllerStrategy());
        add("apps", "v1", "deployments", "Deployment", true, List.of("deploy"), ALL, List.of("status", "scale"), deployments);
        add("apps", "v1", "replicasets", "ReplicaSet", true, List.of("rs"), ALL, List.of("status", "scale"), replicaSets);
        add("apps", "v1", "statefulsets", "StatefulSet", true, List.of("sts"), ALL, List.of("status", "scale"),
                new StatefulSetStrategy());
        add("apps", "v1", "daemonsets", "DaemonSet", true, List.of("ds"), ALL, status, new DaemonSetStrategy());
        add("apps", "v1", "controllerrevisions", "ControllerRevision", true, none, none, none,
                new ControllerRevisionStrategy());
        add("batch", "v1", "jobs", "Job", true, none, ALL, status, new JobStrategy());
        add("batch", "v1", "cronjobs", "CronJob", true, List.of("cj"), ALL, status, new CronJobStrategy());
        Strategy hpa = new HorizontalPodAutoscalerStrategy();
        add("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, List.of("hpa"), ALL,
                status, hpa);
        add("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, List.of("hpa"), ALL,
                status, hpa, new HorizontalPodAutoscalerV1Conversion());
        add("networking.k8s.io", "v1", "ingresses", "Ingress", true, List.of("ing"), none, status, new IngressStrategy());
        add("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, none, none, none,
                new IngressClassStrategy());
        add("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, List.of("netpol"), none, none,
                new NetworkPolicyStrategy());
        add("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, List.of("pdb"), none, status,
                new PodDisruptionBudgetStrategy());
        Strategy roles = new RoleStrategy();
        Strategy bindings = new RoleBindingStrategy();
        add(RBAC, "v1", "roles", "Role", true, none, none, none, roles);
        add(RBAC, "v1", "rolebindings", "RoleBinding", true, none, none, none, bindings);
        add(RBAC, "v1", "clusterroles", "ClusterRole", false, none, none, none, roles);
        add(RBAC, "v1", "clusterrolebindings", "ClusterRoleBinding", false, none, none, none, bindings);
        add("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, List.of("sc"), none, none,
                new StorageClassStrategy());
        add("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false, none, none, none, new CsiDriverStrategy());
        add("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", false, none, none, status,
                new VolumeAttachmentStrategy());
        add("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, none, none, none,
                new EndpointSliceStrategy());
        add("events.k8s.io", "v1", "events", "Event", true, List.of("ev"), none, none, events,
                new EventsV1Conversion());
        add("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, List.of("pc"), none, none,
                new PriorityClassStrategy());
        add("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false,
                List.of("csr"), none, List.of("status", "approval"), new CertificateSigningRequestStrategy());
        add("coordination.k8s.io", "v1", "leases", "Lease", true, none, none, none, leases);
        add("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration",
                false, none, List.of("api-extensions"), none, new WebhookConfigurationStrategy(true));
        add("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
                "ValidatingWebhookConfiguration", false, none, List.of("api-extensions"), none,
                new WebhookConfigurationStrategy(false));
        add("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false,
                List.of("crd", "crds"), List.of("api-extensions"), status, new CustomResourceDefinitionStrategy());
    }

    private static final String RBAC = "rbac.authorization.k8s.io";

    private void add(String group, String version, String resource, String kind, boolean namespaced,
            List<String> shortNames, List<String> categories, List<String> subresources, Strategy strategy) {
        add(group, version, resource, kind, namespaced, shortNames, categories, subresources, strategy,
                Conversion.NONE);
    }

    /**
     * Registers one served group version of a resource. With a conversion, the objects are stored in another version
     * (under the same key) and {@code strategy} is that version's.
     */
    private void add(String group, String version, String resource, String kind, boolean namespaced,
            List<String> shortNames, List<String> categories, List<String> subresources, Strategy strategy,
            Conversion conversion) {
        ResourceType t = new ResourceType(group, version, resource, kind, namespaced, shortNames, categories,
                subresources);
        Strategy served = conversion.identity() ? strategy : new ConvertedStrategy(strategy, conversion);
        byPath.put(group + "/" + version + "/" + resource, new Resource(t, served, conversion));
    }

    /**
     * Serves (or re-serves, replacing the previous definition) the versions of a custom resource: each resource
     * with its OpenAPI schema (name -> schema). Replaces every earlier version of the same group and resource.
     */
    public synchronized void putCustom(String group, String plural, List<Resource> versions,
            Map<String, ObjectNode> schemas) {
        Map<String, Resource> next = new LinkedHashMap<>();
        byPath.forEach((k, v) -> {
            if (!(v.group().equals(group) && v.name().equals(plural))) {
                next.put(k, v);
            }
        });
        for (Resource r : versions) {
            next.put(r.group() + "/" + r.type().version() + "/" + r.name(), r);
        }
        Map<String, ObjectNode> nextSchemas = new LinkedHashMap<>(customSchemas);
        nextSchemas.keySet().removeIf(k -> k.startsWith(customSchemaPrefix(group, plural)));
        schemas.forEach((k, v) -> nextSchemas.put(customSchemaPrefix(group, plural) + k, v));
        byPath = next;
        customSchemas = nextSchemas;
        generation.incrementAndGet();
    }

    /** Stops serving a custom resource. */
    public synchronized void removeCustom(String group, String plural) {
        putCustom(group, plural, List.of(), Map.of());
    }

    private static String customSchemaPrefix(String group, String plural) {
        return plural + "." + group + "|";
    }

    /** The OpenAPI schemas of the custom resources, by schema name. */
    @Override
    public Map<String, ObjectNode> extraSchemas() {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        customSchemas.forEach((k, v) -> out.put(k.substring(k.indexOf('|') + 1), v));
        return out;
    }

    /** Changes whenever the served resources change (custom resources). */
    @Override
    public long generation() {
        return generation.get();
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

    /** The served versions of a group, the preferred (first registered) first. */
    public List<String> versions(String group) {
        List<String> versions = new ArrayList<>();
        for (Resource r : byPath.values()) {
            if (r.group().equals(group) && !versions.contains(r.type().version())) {
                versions.add(r.type().version());
            }
        }
        return versions;
    }

    public List<Resource> resources(String group, String version) {
        return byPath.values().stream().filter(r -> r.group().equals(group) && r.type().version().equals(version)).toList();
    }
}
