package io.kybernetes.apiserver.bootstrap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.allocation.ServiceAllocator;
import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.kinds.PriorityClassStrategy;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.status.ApiException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * What every cluster has from the start, created when missing: the namespaces default, kube-system, kube-public and
 * kube-node-lease; the priority classes system-node-critical and system-cluster-critical; the {@code kubernetes}
 * Service in default (the first IP of the service range, port 443 "https", no selector) and its Endpoints and
 * EndpointSlice, the advertised address and the serving port, which are reconciled (rewritten when they differ) as
 * upstream's endpoint reconciler does.
 */
@ApplicationScoped
public class SystemObjects {

    private static final Logger LOG = Logger.getLogger(SystemObjects.class);
    static final List<String> NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final GenericStore store;
    private final Registry registry;
    private final Vertx vertx;
    private final ServiceAllocator allocator;
    private final String advertiseAddress;
    private final int port;
    private volatile boolean done;

    public SystemObjects(GenericStore store, Registry registry, Vertx vertx, ServiceAllocator allocator,
            ApiserverConfig config, @ConfigProperty(name = "quarkus.http.port", defaultValue = "6443") int port) {
        this.store = store;
        this.registry = registry;
        this.vertx = vertx;
        this.allocator = allocator;
        this.advertiseAddress = config.advertiseAddress().filter(a -> !a.isBlank()).orElseGet(SystemObjects::firstIpv4);
        this.port = port;
    }

    void onStart(@Observes StartupEvent e) {
        LOG.infof("advertising %s:%d in the endpoints of the kubernetes service", advertiseAddress, port);
        ensure(0);
    }

    /** Whether the system objects exist (readiness waits for them). */
    public boolean done() {
        return done;
    }

    public String advertiseAddress() {
        return advertiseAddress;
    }

    /** The first non-loopback IPv4 address of an interface that is up (127.0.0.1 when there is none). */
    static String firstIpv4() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warnf("cannot list the network interfaces: %s", e.getMessage());
        }
        return "127.0.0.1";
    }

    private void ensure(int attempt) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        Resource ns = resource("", "v1", "namespaces");
        for (String name : NAMESPACES) {
            all.add(create(ns, null, named("v1", "Namespace", name)));
        }
        Resource pcs = resource("scheduling.k8s.io", "v1", "priorityclasses");
        all.add(create(pcs, null, priorityClass(PriorityClassStrategy.NODE_CRITICAL, 2_000_001_000L,
                "Used for system critical pods that must not be moved from their current node.")));
        all.add(create(pcs, null, priorityClass(PriorityClassStrategy.CLUSTER_CRITICAL, 2_000_000_000L,
                "Used for system critical pods that must run in the cluster, but can be moved to another node if "
                        + "necessary.")));
        // the namespace first: the service and endpoints live in it
        CompletableFuture<?> kubernetes = all.get(0).thenCompose(v -> create(resource("", "v1", "services"), "default",
                kubernetesService())).thenCompose(v -> reconcileEndpoints());
        all.add(kubernetes);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (t == null) {
                done = true;
                return;
            }
            if (attempt % 10 == 0) {
                LOG.warnf("cannot create the system objects yet (is etcd up?): %s", t.getMessage());
            }
            vertx.setTimer(Math.min(5000, 200L * (attempt + 1)), id -> ensure(attempt + 1));
        });
    }

    private Resource resource(String group, String version, String name) {
        return registry.resource(group, version, name).orElseThrow();
    }

    private static ObjectNode named(String apiVersion, String kind, String name) {
        ObjectNode obj = Json.object();
        obj.put("apiVersion", apiVersion);
        obj.put("kind", kind);
        obj.putObject("metadata").put("name", name);
        return obj;
    }

    static ObjectNode priorityClass(String name, long value, String description) {
        ObjectNode pc = named("scheduling.k8s.io/v1", "PriorityClass", name);
        pc.put("value", value);
        pc.put("description", description);
        return pc;
    }

    ObjectNode kubernetesService() {
        ObjectNode svc = named("v1", "Service", "kubernetes");
        Json.with(svc, "metadata").putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", allocator.range().at(1));
        spec.put("sessionAffinity", "None");
        spec.putArray("ports").addObject().put("name", "https").put("protocol", "TCP").put("port", 443)
                .put("targetPort", port);
        return svc;
    }

    ObjectNode kubernetesEndpoints() {
        ObjectNode ep = named("v1", "Endpoints", "kubernetes");
        Json.with(ep, "metadata").putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        ArrayNode subsets = ep.putArray("subsets");
        ObjectNode subset = subsets.addObject();
        subset.putArray("addresses").addObject().put("ip", advertiseAddress);
        subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        return ep;
    }

    /** The EndpointSlice upstream's endpoint reconciler writes beside the Endpoints (what proxies read). */
    ObjectNode kubernetesEndpointSlice() {
        ObjectNode slice = named("discovery.k8s.io/v1", "EndpointSlice", "kubernetes");
        Json.with(slice, "metadata").putObject("labels").put("kubernetes.io/service-name", "kubernetes");
        slice.put("addressType", "IPv4");
        ObjectNode ep = slice.putArray("endpoints").addObject();
        ep.putArray("addresses").add(advertiseAddress);
        ep.putObject("conditions").put("ready", true);
        slice.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        return slice;
    }

    private CompletableFuture<Void> reconcileEndpoints() {
        return reconcile(resource("", "v1", "endpoints"), kubernetesEndpoints(), "subsets")
                .thenCompose(x -> reconcile(resource("discovery.k8s.io", "v1", "endpointslices"),
                        kubernetesEndpointSlice(), "endpoints", "ports"));
    }

    /** Creates {@code wanted} in default, or rewrites the given fields of the stored one when they differ. */
    private CompletableFuture<Void> reconcile(Resource r, ObjectNode wanted, String... fields) {
        return create(r, "default", wanted.deepCopy()).thenCompose(created -> {
            if (created) {
                return CompletableFuture.completedFuture(null);
            }
            return store.update(r, "default", "kubernetes", "", cur -> {
                for (String f : fields) {
                    if (!cur.path(f).equals(wanted.get(f))) {
                        LOG.infof("reconciling the %s of the kubernetes service to %s:%d", r.name(), advertiseAddress,
                                port);
                        cur.set(f, wanted.get(f).deepCopy());
                    }
                }
                return cur;
            }, false).thenApply(o -> null);
        });
    }

    /** Creates an object; completes true when it was created, false when it already existed. */
    private CompletableFuture<Boolean> create(Resource r, String ns, ObjectNode obj) {
        String name = Json.str(obj, "metadata.name");
        // look first: on a restart the object exists, and creating the kubernetes Service again would fail on its
        // cluster IP (already allocated, 422) before the existence check (409)
        return store.get(r, ns, name).handle((o, t) -> o != null).thenCompose(exists -> exists
                ? CompletableFuture.completedFuture(false) : createNew(r, ns, name, obj));
    }

    private CompletableFuture<Boolean> createNew(Resource r, String ns, String name, ObjectNode obj) {
        return store.create(r, ns, obj, false).handle((o, t) -> {
            if (t != null && !isAlreadyExists(t)) {
                throw new IllegalStateException(t);
            }
            if (t == null) {
                LOG.infof("created %s %s", r.type().kind(), ns == null ? name : ns + "/" + name);
            }
            return t == null;
        });
    }

    private static boolean isAlreadyExists(Throwable t) {
        while (t.getCause() != null && !(t instanceof ApiException)) {
            t = t.getCause();
        }
        return t instanceof ApiException a && a.code() == 409;
    }
}
