package io.kybernetes.apiserver.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authorization.Authorizer;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.status.ApiException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The default RBAC policy users rely on, created at start when RBAC is on and an object is missing (never
 * overwritten, so a user's edits stay): cluster-admin, the aggregated admin/edit/view roles and their
 * system:aggregate-to-* parts, system:discovery, system:basic-user, system:public-info-viewer, system:node,
 * system:kube-scheduler, system:kube-controller-manager, system:node-proxier, system:node-bootstrapper and the
 * nodeclient/selfnodeclient CSR roles, with upstream's bindings. Every such object is annotated
 * {@code rbac.authorization.kubernetes.io/autoupdate: "true"} and labelled
 * {@code kubernetes.io/bootstrapping: rbac-defaults}. Besides, what {@code kubeadm init} creates for nodes that join
 * with a bootstrap token: the bindings kubeadm:kubelet-bootstrap, kubeadm:node-autoapprove-bootstrap and
 * kubeadm:node-autoapprove-certificate-rotation, and the Role and RoleBinding kube-public/kubeadm:bootstrap-signer-clusterinfo
 * that let anonymous read ConfigMap cluster-info. The rule sets are this project's equivalents of upstream's,
 * sized for what our components do (the controller manager runs every controller under one identity).
 */
@ApplicationScoped
public class BootstrapPolicy {

    private static final Logger LOG = Logger.getLogger(BootstrapPolicy.class);
    static final String RBAC = "rbac.authorization.k8s.io";
    static final String AGGREGATE = "rbac.authorization.kubernetes.io/aggregate-to-";
    static final String[] READ = {"get", "list", "watch"};
    static final String[] WRITE = {"create", "delete", "deletecollection", "patch", "update"};
    static final String CSR_ROLE = "system:certificates.k8s.io:certificatesigningrequests:";
    /** The group kubeadm's default bootstrap tokens carry in auth-extra-groups. */
    static final String DEFAULT_NODE_TOKEN = "system:bootstrappers:kubeadm:default-node-token";
    static final String CLUSTER_INFO = "kubeadm:bootstrap-signer-clusterinfo";

    private final GenericStore store;
    private final Registry registry;
    private final Vertx vertx;
    private final boolean enabled;

    public BootstrapPolicy(GenericStore store, Registry registry, Vertx vertx, Authorizer authorizer) {
        this.store = store;
        this.registry = registry;
        this.vertx = vertx;
        this.enabled = authorizer.rbac();
    }

    void onStart(@Observes StartupEvent e) {
        if (enabled) {
            ensure(0);
        }
    }

    // ---- the policy

    static List<ObjectNode> clusterRoles() {
        List<ObjectNode> out = new ArrayList<>();
        out.add(role("cluster-admin", null, rule(a("*"), a("*"), a("*")), nonResource(a("*"), a("*"))));
        out.add(aggregated("admin", "admin"));
        out.add(aggregated("edit", "edit", "admin"));
        out.add(aggregated("view", "view", "edit"));
        out.add(role("system:aggregate-to-admin", "admin",
                rule(a("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"), a(RBAC),
                        a("rolebindings", "roles")),
                rule(a("create"), a("authorization.k8s.io"), a("localsubjectaccessreviews"))));
        String[] core = {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "pods/eviction",
            "configmaps", "endpoints", "persistentvolumeclaims", "replicationcontrollers",
            "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"};
        String[] apps = {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
            "replicasets/scale", "statefulsets", "statefulsets/scale"};
        out.add(role("system:aggregate-to-edit", "edit",
                rule(concat(READ, WRITE), a(""), core),
                rule(a("create"), a(""), a("serviceaccounts/token")),
                rule(concat(READ, WRITE), a("apps"), apps),
                rule(concat(READ, WRITE), a("autoscaling"), a("horizontalpodautoscalers")),
                rule(concat(READ, WRITE), a("batch"), a("cronjobs", "jobs")),
                rule(concat(READ, WRITE), a("networking.k8s.io"), a("ingresses", "networkpolicies")),
                rule(concat(READ, WRITE), a("policy"), a("poddisruptionbudgets")),
                rule(concat(READ, WRITE), a("discovery.k8s.io"), a("endpointslices")),
                rule(concat(READ, WRITE), a("coordination.k8s.io"), a("leases"))));
        out.add(role("system:aggregate-to-view", "view",
                rule(READ, a(""), a("configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                        "pods", "pods/log", "pods/status", "replicationcontrollers", "replicationcontrollers/scale",
                        "replicationcontrollers/status", "serviceaccounts", "services", "services/status",
                        "bindings", "events", "limitranges", "namespaces", "namespaces/status", "resourcequotas",
                        "resourcequotas/status")),
                rule(READ, a("apps"), a("controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                        "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                        "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status")),
                rule(READ, a("autoscaling"), a("horizontalpodautoscalers", "horizontalpodautoscalers/status")),
                rule(READ, a("batch"), a("cronjobs", "cronjobs/status", "jobs", "jobs/status")),
                rule(READ, a("networking.k8s.io"), a("ingresses", "ingresses/status", "networkpolicies")),
                rule(READ, a("policy"), a("poddisruptionbudgets", "poddisruptionbudgets/status")),
                rule(READ, a("discovery.k8s.io"), a("endpointslices")),
                rule(READ, a("events.k8s.io"), a("events"))));
        out.add(role("system:discovery", null, nonResource(a("get"), a("/api", "/api/*", "/apis", "/apis/*",
                "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"))));
        out.add(role("system:basic-user", null,
                rule(a("create"), a("authorization.k8s.io"), a("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
                rule(a("create"), a("authentication.k8s.io"), a("selfsubjectreviews"))));
        out.add(role("system:public-info-viewer", null, nonResource(a("get"), a("/healthz", "/livez", "/readyz",
                "/version", "/version/"))));
        out.add(role("system:node", null,
                rule(a("create", "get", "list", "watch", "update", "patch", "delete"), a(""), a("nodes")),
                rule(a("patch", "update"), a(""), a("nodes/status", "pods/status")),
                rule(a("get", "list", "watch", "create", "delete"), a(""), a("pods")),
                rule(a("create", "patch", "update"), a("", "events.k8s.io"), a("events")),
                rule(a("get", "list", "watch"), a(""), a("services", "endpoints", "configmaps", "secrets",
                        "persistentvolumeclaims", "persistentvolumes")),
                rule(a("create"), a(""), a("serviceaccounts/token", "pods/eviction")),
                rule(a("get", "create", "update", "patch", "delete"), a("coordination.k8s.io"), a("leases")),
                rule(a("get", "list", "watch"), a("discovery.k8s.io"), a("endpointslices")),
                rule(a("get", "list", "watch"), a("storage.k8s.io"), a("csidrivers", "volumeattachments")),
                rule(a("create", "get", "list", "watch"), a("certificates.k8s.io"), a("certificatesigningrequests")),
                // the kubelet's webhook authentication and authorization of its own port, as upstream grants
                rule(a("create"), a("authentication.k8s.io"), a("tokenreviews")),
                rule(a("create"), a("authorization.k8s.io"), a("subjectaccessreviews", "localsubjectaccessreviews"))));
        out.add(role("system:kube-scheduler", null,
                rule(READ, a(""), a("nodes", "pods", "namespaces", "services", "replicationcontrollers",
                        "persistentvolumeclaims", "persistentvolumes")),
                rule(a("create"), a(""), a("pods/binding", "bindings")),
                rule(a("patch", "update"), a(""), a("pods/status")),
                rule(a("delete"), a(""), a("pods")),
                rule(a("create", "patch", "update"), a("", "events.k8s.io"), a("events")),
                rule(READ, a("apps"), a("replicasets", "statefulsets")),
                rule(READ, a("policy"), a("poddisruptionbudgets")),
                rule(READ, a("storage.k8s.io"), a("storageclasses", "csinodes", "csidrivers", "csistoragecapacities")),
                rule(a("create", "get", "update", "list", "watch"), a("coordination.k8s.io"), a("leases")),
                rule(a("create"), a("authentication.k8s.io"), a("tokenreviews")),
                rule(a("create"), a("authorization.k8s.io"), a("subjectaccessreviews"))));
        // our controller manager runs every controller under one identity (upstream's gives each controller a
        // service account of its own): it reads and writes every resource
        out.add(role("system:kube-controller-manager", null, rule(a("*"), a("*"), a("*"))));
        out.add(role("system:node-proxier", null,
                rule(a("list", "watch"), a(""), a("endpoints", "services")),
                rule(a("get", "list", "watch"), a(""), a("nodes")),
                rule(a("create", "patch", "update"), a("", "events.k8s.io"), a("events")),
                rule(a("list", "watch"), a("discovery.k8s.io"), a("endpointslices"))));
        // what a bootstrap token may do (ask for a node certificate) and what the CSR approver checks
        out.add(role("system:node-bootstrapper", null,
                rule(a("create", "get", "list", "watch"), a("certificates.k8s.io"), a("certificatesigningrequests"))));
        out.add(role(CSR_ROLE + "nodeclient", null,
                rule(a("create"), a("certificates.k8s.io"), a("certificatesigningrequests/nodeclient"))));
        out.add(role(CSR_ROLE + "selfnodeclient", null,
                rule(a("create"), a("certificates.k8s.io"), a("certificatesigningrequests/selfnodeclient"))));
        return out;
    }

    static List<ObjectNode> clusterRoleBindings() {
        return List.of(
                binding("cluster-admin", "cluster-admin", subject("Group", "system:masters")),
                binding("system:discovery", "system:discovery", subject("Group", "system:authenticated")),
                binding("system:basic-user", "system:basic-user", subject("Group", "system:authenticated")),
                binding("system:public-info-viewer", "system:public-info-viewer",
                        subject("Group", "system:authenticated"), subject("Group", "system:unauthenticated")),
                binding("system:kube-scheduler", "system:kube-scheduler", subject("User", "system:kube-scheduler")),
                binding("system:kube-controller-manager", "system:kube-controller-manager",
                        subject("User", "system:kube-controller-manager")),
                binding("system:node-proxier", "system:node-proxier", subject("User", "system:kube-proxy")),
                kubeadm(binding("kubeadm:kubelet-bootstrap", "system:node-bootstrapper",
                        subject("Group", DEFAULT_NODE_TOKEN))),
                kubeadm(binding("kubeadm:node-autoapprove-bootstrap", CSR_ROLE + "nodeclient",
                        subject("Group", DEFAULT_NODE_TOKEN))),
                kubeadm(binding("kubeadm:node-autoapprove-certificate-rotation", CSR_ROLE + "selfnodeclient",
                        subject("Group", "system:nodes"))));
    }

    /** kube-public's Role and RoleBinding: anonymous may read ConfigMap cluster-info (and nothing else there). */
    static List<ObjectNode> clusterInfoRole() {
        ObjectNode role = kubeadm(meta(Json.object(), "Role", CLUSTER_INFO));
        Json.with(role, "metadata").put("namespace", "kube-public");
        ObjectNode rule = rule(a("get"), a(""), a("configmaps"));
        rule.putArray("resourceNames").add("cluster-info");
        role.putArray("rules").add(rule);
        ObjectNode binding = kubeadm(meta(Json.object(), "RoleBinding", CLUSTER_INFO));
        Json.with(binding, "metadata").put("namespace", "kube-public");
        binding.putObject("roleRef").put("apiGroup", RBAC).put("kind", "Role").put("name", CLUSTER_INFO);
        binding.putArray("subjects").add(subject("User", "system:anonymous"));
        return List.of(role, binding);
    }

    /** kubeadm's objects are not part of the API server's own defaults: no autoupdate, no rbac-defaults label. */
    private static ObjectNode kubeadm(ObjectNode obj) {
        ObjectNode m = Json.with(obj, "metadata");
        m.remove("annotations");
        m.remove("labels");
        return obj;
    }

    private static String[] a(String... v) {
        return v;
    }

    private static String[] concat(String[] x, String[] y) {
        String[] out = new String[x.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static ObjectNode rule(String[] verbs, String[] groups, String[] resources) {
        ObjectNode r = Json.object();
        add(r.putArray("apiGroups"), groups);
        add(r.putArray("resources"), resources);
        add(r.putArray("verbs"), verbs);
        return r;
    }

    private static ObjectNode nonResource(String[] verbs, String[] urls) {
        ObjectNode r = Json.object();
        add(r.putArray("nonResourceURLs"), urls);
        add(r.putArray("verbs"), verbs);
        return r;
    }

    private static void add(ArrayNode a, String[] values) {
        for (String v : values) {
            a.add(v);
        }
    }

    private static ObjectNode meta(ObjectNode obj, String kind, String name) {
        obj.put("apiVersion", RBAC + "/v1");
        obj.put("kind", kind);
        ObjectNode m = obj.putObject("metadata");
        m.put("name", name);
        m.putObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
        m.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
        return obj;
    }

    /** A ClusterRole, labelled to aggregate into {@code aggregateTo} (admin, edit, view) when given. */
    private static ObjectNode role(String name, String aggregateTo, ObjectNode... rules) {
        ObjectNode r = meta(Json.object(), "ClusterRole", name);
        if (aggregateTo != null) {
            Json.with(r, "metadata").with("labels").put(AGGREGATE + aggregateTo, "true");
        }
        ArrayNode a = r.putArray("rules");
        for (ObjectNode rule : rules) {
            a.add(rule);
        }
        return r;
    }

    /** admin, edit, view: rules from the roles labelled aggregate-to-{selector}; labelled into the next ones. */
    private static ObjectNode aggregated(String name, String selector, String... into) {
        ObjectNode r = meta(Json.object(), "ClusterRole", name);
        ObjectNode labels = Json.with(r, "metadata").with("labels");
        for (String i : into) {
            labels.put(AGGREGATE + i, "true");
        }
        r.putObject("aggregationRule").putArray("clusterRoleSelectors").addObject().putObject("matchLabels")
                .put(AGGREGATE + selector, "true");
        r.putArray("rules");
        return r;
    }

    private static ObjectNode subject(String kind, String name) {
        return Json.object().put("apiGroup", RBAC).put("kind", kind).put("name", name);
    }

    private static ObjectNode binding(String name, String role, ObjectNode... subjects) {
        ObjectNode b = meta(Json.object(), "ClusterRoleBinding", name);
        b.putObject("roleRef").put("apiGroup", RBAC).put("kind", "ClusterRole").put("name", role);
        ArrayNode s = b.putArray("subjects");
        for (ObjectNode x : subjects) {
            s.add(x);
        }
        return b;
    }

    // ---- creating it

    private void ensure(int attempt) {
        Resource roles = registry.resource(RBAC, "v1", "clusterroles").orElseThrow();
        Resource bindings = registry.resource(RBAC, "v1", "clusterrolebindings").orElseThrow();
        List<CompletableFuture<?>> all = new ArrayList<>();
        clusterRoles().forEach(r -> all.add(createMissing(roles, r)));
        clusterRoleBindings().forEach(b -> all.add(createMissing(bindings, b)));
        for (ObjectNode o : clusterInfoRole()) {
            Resource r = registry.resource(RBAC, "v1", o.path("kind").asText().equals("Role") ? "roles"
                    : "rolebindings").orElseThrow();
            all.add(createMissing(r, o));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (t == null) {
                LOG.infof("bootstrap RBAC policy in place (%d cluster roles, %d bindings)", clusterRoles().size(),
                        clusterRoleBindings().size());
                return;
            }
            if (attempt % 10 == 0) {
                LOG.warnf("cannot create the bootstrap RBAC policy yet: %s", t.getMessage());
            }
            vertx.setTimer(Math.min(5000, 200L * (attempt + 1)), id -> ensure(attempt + 1));
        });
    }

    private CompletableFuture<Void> createMissing(Resource r, ObjectNode obj) {
        String name = Json.str(obj, "metadata.name");
        String ns = Json.str(obj, "metadata.namespace").isEmpty() ? null : Json.str(obj, "metadata.namespace");
        return store.get(r, ns, name).handle((o, t) -> o != null).thenCompose(exists -> exists
                ? CompletableFuture.completedFuture(null)
                : store.create(r, ns, obj, false).handle((o, t) -> {
                    if (t != null && !(unwrap(t) instanceof ApiException a && a.code() == 409)) {
                        throw new IllegalStateException(t);
                    }
                    return null;
                }));
    }

    private static Throwable unwrap(Throwable t) {
        while (t.getCause() != null && !(t instanceof ApiException)) {
            t = t.getCause();
        }
        return t;
    }
}
