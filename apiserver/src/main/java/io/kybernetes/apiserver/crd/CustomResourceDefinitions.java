package io.kybernetes.apiserver.crd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.registry.ResourceType;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WatchSink;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Serves the custom resources of the stored CustomResourceDefinitions: watches them in the store, registers each
 * served version under /apis/{group}/{version} (discovery and OpenAPI follow the registry), sets the NamesAccepted
 * and Established conditions, accepted names and stored versions, and when a definition is deleted stops serving
 * it and deletes its objects (keys /registry/{group}/{plural}/...).
 */
@ApplicationScoped
public class CustomResourceDefinitions implements WatchSink {

    private static final Logger LOG = Logger.getLogger(CustomResourceDefinitions.class);
    static final String PREFIX = "/registry/customresourcedefinitions/";

    private final GenericStore store;
    private final Registry registry;
    private final Vertx vertx;
    /** CRD name -> {group, plural} it is served as. */
    private final Map<String, String[]> served = new ConcurrentHashMap<>();
    private volatile AutoCloseable watch;
    private volatile boolean stopped;

    public CustomResourceDefinitions(GenericStore store, Registry registry, Vertx vertx) {
        this.store = store;
        this.registry = registry;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent e) {
        start(0);
    }

    void onStop(@Observes ShutdownEvent e) {
        stopped = true;
        closeWatch();
    }

    private void closeWatch() {
        AutoCloseable w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (Exception ex) {
                LOG.debugf("closing the CRD watch: %s", ex);
            }
        }
    }

    private void start(int attempt) {
        if (stopped) {
            return;
        }
        store.etcd().list(PREFIX).whenComplete((list, t) -> {
            if (t != null) {
                if (attempt % 10 == 0) {
                    LOG.warnf("cannot list the custom resource definitions yet: %s", t.getMessage());
                }
                vertx.setTimer(Math.min(5000, 200L * (attempt + 1)), id -> start(attempt + 1));
                return;
            }
            for (StoredValue v : list.items()) {
                serve(GenericStore.decode(v));
            }
            watch = store.etcd().watch(PREFIX, list.revision() + 1, this);
        });
    }

    @Override
    public void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted) {
        if (deleted) {
            if (prev != null) {
                remove(GenericStore.decode(prev));
            }
            return;
        }
        serve(GenericStore.decode(value));
    }

    @Override
    public void onCompacted(long compactedRevision) {
        restart();
    }

    @Override
    public void onError(Throwable error) {
        LOG.warnf("watch of the custom resource definitions failed: %s", error.toString());
        restart();
    }

    private void restart() {
        closeWatch();
        vertx.setTimer(1000, id -> start(0));
    }

    /** Registers (or re-registers) the served versions of a definition and marks it Established. */
    void serve(ObjectNode crd) {
        String name = Json.str(crd, "metadata.name");
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        JsonNode names = spec.path("names");
        String plural = names.path("plural").asText();
        String kind = names.path("kind").asText();
        boolean namespaced = spec.path("scope").asText().equals("Namespaced");
        String storageVersion = null;
        for (JsonNode v : spec.path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                storageVersion = v.path("name").asText();
            }
        }
        if (group.isEmpty() || plural.isEmpty() || kind.isEmpty() || storageVersion == null) {
            return;
        }
        String[] previous = served.put(name, new String[] {group, plural});
        if (previous != null && !(previous[0].equals(group) && previous[1].equals(plural))) {
            registry.removeCustom(previous[0], previous[1]);
        }
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
        List<String> categories = new ArrayList<>();
        names.path("categories").forEach(n -> categories.add(n.asText()));
        List<Resource> resources = new ArrayList<>();
        Map<String, ObjectNode> schemas = new LinkedHashMap<>();
        for (JsonNode v : spec.path("versions")) {
            if (!v.path("served").asBoolean(false)) {
                continue;
            }
            String version = v.path("name").asText();
            List<String> subresources = new ArrayList<>();
            if (v.path("subresources").has("status")) {
                subresources.add("status");
            }
            if (v.path("subresources").has("scale")) {
                subresources.add("scale");
            }
            ResourceType type = new ResourceType(group, version, plural, kind, namespaced, shortNames, categories,
                    subresources);
            resources.add(new Resource(type, new CustomResourceStrategy(v),
                    new VersionConversion(group + "/" + storageVersion, group + "/" + version),
                    "/registry/" + group + "/" + plural));
            schemas.put(schemaName(group, version, kind), schema(v, group, version, kind));
        }
        registry.putCustom(group, plural, resources, schemas);
        LOG.infof("serving %s.%s (%d versions)", plural, group, resources.size());
        if (!established(crd)) {
            markEstablished(name, storageVersion);
        }
    }

    void remove(ObjectNode crd) {
        String name = Json.str(crd, "metadata.name");
        String[] was = served.remove(name);
        String group = was != null ? was[0] : Json.str(crd, "spec.group");
        String plural = was != null ? was[1] : Json.str(crd, "spec.names.plural");
        registry.removeCustom(group, plural);
        store.etcd().deletePrefix("/registry/" + group + "/" + plural + "/").whenComplete((n, t) -> {
            if (t != null) {
                LOG.warnf("deleting the objects of %s: %s", name, t.getMessage());
            } else {
                LOG.infof("stopped serving %s, deleted %d objects", name, n);
            }
        });
    }

    private static boolean established(ObjectNode crd) {
        for (JsonNode c : crd.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Established") && c.path("status").asText().equals("True")) {
                return true;
            }
        }
        return false;
    }

    private void markEstablished(String name, String storageVersion) {
        Resource crds = registry.resource("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();
        store.update(crds, null, name, "status", crd -> {
            ObjectNode status = Json.with(crd, "status");
            ObjectNode accepted = crd.path("spec").path("names").deepCopy();
            status.set("acceptedNames", accepted);
            ArrayNode conditions = status.putArray("conditions");
            String now = Json.now();
            conditions.addObject().put("type", "NamesAccepted").put("status", "True").put("lastTransitionTime", now)
                    .put("reason", "NoConflicts").put("message", "no conflicts found");
            conditions.addObject().put("type", "Established").put("status", "True").put("lastTransitionTime", now)
                    .put("reason", "InitialNamesAccepted").put("message", "the initial names have been accepted");
            ArrayNode stored = status.get("storedVersions") instanceof ArrayNode a ? a : status.putArray("storedVersions");
            boolean present = false;
            for (JsonNode v : stored) {
                present |= v.asText().equals(storageVersion);
            }
            if (!present) {
                stored.add(storageVersion);
            }
            return crd;
        }, false).whenComplete((o, t) -> {
            if (t != null) {
                LOG.debugf("cannot mark %s established: %s", name, t.getMessage());
            }
        });
    }

    /** Upstream's OpenAPI name of a custom kind: the group reversed, then version and kind (com.example.v1.Widget). */
    static String schemaName(String group, String version, String kind) {
        String[] parts = group.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = parts.length - 1; i >= 0; i--) {
            sb.append(parts[i]).append('.');
        }
        return sb + version + "." + kind;
    }

    /** The version's openAPIV3Schema with apiVersion, kind and metadata (ObjectMeta) as upstream publishes it. */
    static ObjectNode schema(JsonNode version, String group, String v, String kind) {
        JsonNode given = version.path("schema").path("openAPIV3Schema");
        ObjectNode s = given.isObject() ? ((ObjectNode) given).deepCopy() : Json.object().put("type", "object");
        if (!given.isObject()) {
            s.put("x-kubernetes-preserve-unknown-fields", true);
        }
        ObjectNode props = Json.with(s, "properties");
        props.putObject("apiVersion").put("type", "string").put("description", "APIVersion defines the versioned "
                + "schema of this representation of an object. Servers should convert recognized schemas to the "
                + "latest internal value, and may reject unrecognized values.");
        props.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the "
                + "REST resource this object represents. Servers may infer this from the endpoint the client submits "
                + "requests to. Cannot be updated. In CamelCase.");
        ObjectNode meta = props.putObject("metadata");
        meta.putArray("allOf").addObject().put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        meta.put("description", "Standard object's metadata.");
        s.putArray("x-kubernetes-group-version-kind").addObject().put("group", group).put("kind", kind).put("version", v);
        return s;
    }
}
