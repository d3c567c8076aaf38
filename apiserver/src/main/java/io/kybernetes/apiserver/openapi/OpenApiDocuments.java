package io.kybernetes.apiserver.openapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.ResourceType;

/**
 * The OpenAPI v3 documents: one per served group version ("api/v1", "apis/apps/v1"...) with the operations of each
 * resource (and their dryRun, fieldManager, fieldValidation, force query parameters, which kubectl reads to decide
 * that the server validates fields itself) and the component schemas they reach, plus the index served at
 * /openapi/v3 whose serverRelativeURLs carry each document's hash.
 */
public final class OpenApiDocuments {

    private static final Logger LOG = Logger.getLogger(OpenApiDocuments.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final List<String> RESPONSE_TYPES = List.of("application/json", "application/yaml",
            "application/vnd.kubernetes.protobuf");
    private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml",
            "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");

    /** One served document: its JSON bytes and their hash (upper-case hex SHA-512, as upstream). */
    public record Document(String path, byte[] json, String hash) {
    }

    private final Map<String, Document> documents = new LinkedHashMap<>();
    private final byte[] index;

    public OpenApiDocuments(List<ResourceType> resources, OpenApiSchemas schemas, String gitVersion,
            ObjectMapper mapper) {
        Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
        for (ResourceType r : resources) {
            String path = r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
            byGroupVersion.computeIfAbsent(path, p -> new java.util.ArrayList<>()).add(r);
        }
        ObjectNode indexPaths = NODES.objectNode();
        for (Map.Entry<String, List<ResourceType>> gv : byGroupVersion.entrySet()) {
            ObjectNode doc = document(gv.getKey(), gv.getValue(), schemas, gitVersion);
            byte[] json = write(mapper, doc);
            String hash = sha512(json);
            documents.put(gv.getKey(), new Document(gv.getKey(), json, hash));
            indexPaths.putObject(gv.getKey()).put("serverRelativeURL", "/openapi/v3/" + gv.getKey() + "?hash=" + hash);
        }
        ObjectNode root = NODES.objectNode();
        root.set("paths", indexPaths);
        index = write(mapper, root);
    }

    public byte[] index() {
        return index;
    }

    public Optional<Document> document(String path) {
        return Optional.ofNullable(documents.get(path));
    }

    private ObjectNode document(String gvPath, List<ResourceType> resources, OpenApiSchemas schemas,
            String gitVersion) {
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", gitVersion);
        ObjectNode paths = doc.putObject("paths");
        Set<String> roots = new LinkedHashSet<>(List.of(META + "Status", META + "DeleteOptions", META + "WatchEvent",
                META + "Patch", META + "APIResourceList"));
        String prefix = "/" + gvPath;
        for (ResourceType r : resources) {
            Optional<String> kindSchema = schemas.nameOf(r.group(), r.version(), r.kind());
            if (kindSchema.isEmpty()) {
                LOG.warnf("no OpenAPI schema for %s %s: left out of /openapi/v3/%s", r.apiVersion(), r.kind(), gvPath);
                continue;
            }
            roots.add(kindSchema.get());
            Optional<String> listSchema = schemas.nameOf(r.group(), r.version(), r.kind() + "List");
            listSchema.ifPresent(roots::add);
            new ResourcePaths(r, kindSchema.get(), listSchema.orElse(null), schemas, roots).addTo(paths, prefix);
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode out = components.putObject("schemas");
        for (String name : schemas.closure(roots)) {
            out.set(name, schemas.schema(name).orElseThrow());
        }
        components.putObject("securitySchemes").putObject("BearerToken")
                .put("description", "Bearer Token authentication").put("in", "header").put("name", "authorization")
                .put("type", "apiKey");
        return doc;
    }

    /** The operations of one resource: collection, item and subresource paths. */
    private static final class ResourcePaths {
        private final ResourceType type;
        private final String kindRef;
        private final String listRef;
        private final OpenApiSchemas schemas;
        private final Set<String> roots;

        ResourcePaths(ResourceType type, String kindSchema, String listSchema, OpenApiSchemas schemas,
                Set<String> roots) {
            this.type = type;
            this.kindRef = OpenApiSchemas.REF_PREFIX + kindSchema;
            this.listRef = listSchema == null ? null : OpenApiSchemas.REF_PREFIX + listSchema;
            this.schemas = schemas;
            this.roots = roots;
        }

        void addTo(ObjectNode paths, String prefix) {
            String scope = type.namespaced() ? "/namespaces/{namespace}/" : "/";
            String collection = prefix + scope + type.resource();
            String item = collection + "/{name}";
            boolean createOnly = type.kind().equals("Binding");

            ObjectNode c = pathItem(paths, collection, false);
            if (!createOnly) {
                c.set("get", list("list", "list or watch objects of kind " + type.kind(), collection));
            }
            c.set("post", write("post", "create", "create a " + type.kind(), kindRef, kindRef, type.kind()));
            if (!createOnly) {
                c.set("delete", deleteCollection());
                if (type.namespaced()) {
                    pathItem(paths, prefix + "/" + type.resource(), false)
                            .set("get", list("list", "list or watch objects of kind " + type.kind(), collection));
                }
                ObjectNode i = pathItem(paths, item, true);
                i.set("get", read("get", "read the specified " + type.kind(), kindRef, type.kind(), ""));
                i.set("put", write("put", "replace", "replace the specified " + type.kind(), kindRef, kindRef,
                        type.kind()));
                i.set("patch", patch("partially update the specified " + type.kind(), kindRef, type.kind(), ""));
                i.set("delete", delete());
            }
            for (String sub : type.subresources()) {
                subresource(paths, item, sub);
            }
        }

        private void subresource(ObjectNode paths, String item, String sub) {
            switch (sub) {
                case "status" -> {
                    ObjectNode s = pathItem(paths, item + "/status", true);
                    s.set("get", read("get", "read status of the specified " + type.kind(), kindRef, type.kind(),
                            "Status"));
                    s.set("put", write("put", "replace", "replace status of the specified " + type.kind(), kindRef,
                            kindRef, type.kind()));
                    s.set("patch", patch("partially update status of the specified " + type.kind(), kindRef,
                            type.kind(), "Status"));
                }
                case "scale" -> {
                    String scale = schemas.nameOf("autoscaling", "v1", "Scale").orElse(null);
                    if (scale == null) {
                        return;
                    }
                    roots.add(scale);
                    String ref = OpenApiSchemas.REF_PREFIX + scale;
                    ObjectNode s = pathItem(paths, item + "/scale", true);
                    s.set("get", withGvk(read("get", "read scale of the specified " + type.kind(), ref, null,
                            "Scale"), "autoscaling", "Scale"));
                    s.set("put", withGvk(write("put", "replace", "replace scale of the specified " + type.kind(), ref,
                            ref, null), "autoscaling", "Scale"));
                    s.set("patch", withGvk(patch("partially update scale of the specified " + type.kind(), ref,
                            null, "Scale"), "autoscaling", "Scale"));
                }
                case "binding" -> {
                    String binding = schemas.nameOf("", "v1", "Binding").orElse(null);
                    if (binding != null) {
                        roots.add(binding);
                        String ref = OpenApiSchemas.REF_PREFIX + binding;
                        pathItem(paths, item + "/binding", true).set("post",
                                withGvk(write("post", "create", "create binding of a " + type.kind(), ref, ref, null),
                                        "", "Binding"));
                    }
                }
                case "log" -> {
                    ObjectNode op = operation("get", "read log of the specified " + type.kind(), "connect", "Log");
                    for (String p : List.of("container", "follow", "insecureSkipTLSVerifyBackend", "limitBytes",
                            "previous", "sinceSeconds", "sinceTime", "tailLines", "timestamps")) {
                        query(op, p, p.equals("follow") || p.equals("previous") || p.equals("timestamps")
                                || p.equals("insecureSkipTLSVerifyBackend") ? "boolean"
                                        : p.equals("limitBytes") || p.equals("sinceSeconds") || p.equals("tailLines")
                                                ? "integer"
                                                : "string");
                    }
                    op.putObject("responses").putObject("200").put("description", "OK").putObject("content")
                            .putObject("text/plain").putObject("schema").put("type", "string");
                    gvk(op, "", type.kind());
                    pathItem(paths, item + "/log", true).set("get", op);
                }
                case "eviction" -> {
                    String eviction = schemas.nameOf("policy", "v1", "Eviction").orElse(null);
                    if (eviction != null) {
                        roots.add(eviction);
                        String ref = OpenApiSchemas.REF_PREFIX + eviction;
                        pathItem(paths, item + "/eviction", true).set("post",
                                withGvk(write("post", "create", "create eviction of a " + type.kind(), ref, ref, null),
                                        "policy", "Eviction"));
                    }
                }
                case "approval" -> {
                    ObjectNode s = pathItem(paths, item + "/approval", true);
                    s.set("get", read("get", "read approval of the specified " + type.kind(), kindRef, type.kind(),
                            "Approval"));
                    s.set("put", write("put", "replace", "replace approval of the specified " + type.kind(), kindRef,
                            kindRef, type.kind()));
                    s.set("patch", patch("partially update approval of the specified " + type.kind(), kindRef,
                            type.kind(), "Approval"));
                }
                case "finalize" -> pathItem(paths, item + "/finalize", true).set("put",
                        write("put", "replace", "replace finalize of the specified " + type.kind(), kindRef, kindRef,
                                type.kind()));
                default -> LOG.debugf("no OpenAPI operations for subresource %s/%s", type.resource(), sub);
            }
        }

        private ObjectNode pathItem(ObjectNode paths, String path, boolean named) {
            ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            if (!item.has("parameters")) {
                ArrayNode params = item.putArray("parameters");
                if (named) {
                    pathParam(params, "name", "name of the " + type.kind());
                }
                if (path.contains("{namespace}")) {
                    pathParam(params, "namespace", "object name and auth scope, such as for teams and projects");
                }
                params.addObject().put("name", "pretty").put("in", "query").put("description",
                        "If 'true', then the output is pretty printed.").putObject("schema").put("type", "string");
            }
            return item;
        }

        private static void pathParam(ArrayNode params, String name, String description) {
            params.addObject().put("name", name).put("in", "path").put("required", true)
                    .put("description", description).putObject("schema").put("type", "string")
                    .put("uniqueItems", true);
        }

        private ObjectNode operation(String verb, String description, String action, String suffix) {
            ObjectNode op = NODES.objectNode();
            op.put("description", description);
            op.put("operationId", verb + suffix(type) + suffix);
            op.putArray("tags").add(tag(type));
            op.put("x-kubernetes-action", action);
            op.putArray("parameters");
            return op;
        }

        private ObjectNode list(String action, String description, String collection) {
            ObjectNode op = operation("list", description, action, "");
            for (String p : List.of("allowWatchBookmarks", "watch", "sendInitialEvents")) {
                query(op, p, "boolean");
            }
            for (String p : List.of("continue", "fieldSelector", "labelSelector", "resourceVersion",
                    "resourceVersionMatch")) {
                query(op, p, "string");
            }
            for (String p : List.of("limit", "timeoutSeconds")) {
                query(op, p, "integer");
            }
            responses(op, listRef != null ? listRef : kindRef, "200");
            gvk(op, type.group(), type.kind());
            return op;
        }

        private ObjectNode read(String verb, String description, String ref, String kind, String suffix) {
            ObjectNode op = operation("read", description, "get", suffix);
            responses(op, ref, "200");
            if (kind != null) {
                gvk(op, type.group(), kind);
            }
            return op;
        }

        private ObjectNode write(String verb, String action, String description, String bodyRef, String ref,
                String kind) {
            ObjectNode op = operation(verb.equals("post") ? "create" : "replace", description, action,
                    description.startsWith("replace status") ? "Status"
                            : description.startsWith("replace finalize") ? "Finalize" : "");
            writeParams(op, false);
            op.putObject("requestBody").put("required", true).putObject("content").putObject("*/*")
                    .putObject("schema").put("$ref", bodyRef);
            responses(op, ref, "200", verb.equals("post") ? "201" : null, verb.equals("post") ? "202" : null);
            if (kind != null) {
                gvk(op, type.group(), kind);
            }
            return op;
        }

        private ObjectNode patch(String description, String ref, String kind, String suffix) {
            ObjectNode op = operation("patch", description, "patch", suffix);
            writeParams(op, true);
            ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content");
            for (String patchType : PATCH_TYPES) {
                content.putObject(patchType).putObject("schema").put("$ref", OpenApiSchemas.REF_PREFIX + META
                        + "Patch");
            }
            responses(op, ref, "200", "201", null);
            if (kind != null) {
                gvk(op, type.group(), kind);
            }
            return op;
        }

        private ObjectNode delete() {
            ObjectNode op = operation("delete", "delete a " + type.kind(), "delete", "");
            query(op, "dryRun", "string");
            query(op, "gracePeriodSeconds", "integer");
            query(op, "ignoreStoreReadErrorWithClusterBreakingPotential", "boolean");
            query(op, "orphanDependents", "boolean");
            query(op, "propagationPolicy", "string");
            op.putObject("requestBody").putObject("content").putObject("*/*").putObject("schema")
                    .put("$ref", OpenApiSchemas.REF_PREFIX + META + "DeleteOptions");
            responses(op, OpenApiSchemas.REF_PREFIX + META + "Status", "200", "202", null);
            gvk(op, type.group(), type.kind());
            return op;
        }

        private ObjectNode deleteCollection() {
            ObjectNode op = operation("deletecollection", "delete collection of " + type.kind(), "deletecollection",
                    "");
            op.put("operationId", "deleteCollection" + suffix(type));
            for (String p : List.of("continue", "dryRun", "fieldSelector", "labelSelector", "propagationPolicy",
                    "resourceVersion", "resourceVersionMatch")) {
                query(op, p, "string");
            }
            for (String p : List.of("gracePeriodSeconds", "limit", "timeoutSeconds")) {
                query(op, p, "integer");
            }
            op.putObject("requestBody").putObject("content").putObject("*/*").putObject("schema")
                    .put("$ref", OpenApiSchemas.REF_PREFIX + META + "DeleteOptions");
            responses(op, OpenApiSchemas.REF_PREFIX + META + "Status", "200");
            gvk(op, type.group(), type.kind());
            return op;
        }

        private static void writeParams(ObjectNode op, boolean patch) {
            query(op, "dryRun", "string",
                    "When present, indicates that modifications should not be persisted. Valid value: All");
            query(op, "fieldManager", "string", "fieldManager is a name associated with the actor or entity that is"
                    + " making these changes.");
            query(op, "fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in"
                    + " the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict"
                    + " (the default).");
            if (patch) {
                query(op, "force", "boolean", "Force is going to \"force\" Apply requests. It means user will"
                        + " re-acquire conflicting fields owned by other people.");
            }
        }

        private static void query(ObjectNode op, String name, String schemaType) {
            query(op, name, schemaType, null);
        }

        private static void query(ObjectNode op, String name, String schemaType, String description) {
            ObjectNode p = ((ArrayNode) op.get("parameters")).addObject().put("name", name).put("in", "query");
            if (description != null) {
                p.put("description", description);
            }
            p.putObject("schema").put("type", schemaType).put("uniqueItems", true);
        }

        private static void responses(ObjectNode op, String ref, String... codes) {
            ObjectNode responses = op.putObject("responses");
            for (String code : codes) {
                if (code == null) {
                    continue;
                }
                ObjectNode content = responses.putObject(code).put("description", code.equals("201") ? "Created"
                        : code.equals("202") ? "Accepted" : "OK").putObject("content");
                for (String mediaType : RESPONSE_TYPES) {
                    content.putObject(mediaType).putObject("schema").put("$ref", ref);
                }
            }
            responses.putObject("401").put("description", "Unauthorized");
        }

        private ObjectNode withGvk(ObjectNode op, String group, String kind) {
            gvk(op, group, kind);
            return op;
        }

        private void gvk(ObjectNode op, String group, String kind) {
            op.putObject("x-kubernetes-group-version-kind").put("group", group).put("kind", kind)
                    .put("version", type.version());
        }

        /** e.g. NamespacedDeployment, Node: the operationId suffix upstream uses. */
        private static String suffix(ResourceType type) {
            return (type.namespaced() ? "Namespaced" : "") + type.kind();
        }

        private static String tag(ResourceType type) {
            String group = type.group().isEmpty() ? "core" : type.group().split("\\.")[0];
            return group + "_" + type.version();
        }
    }

    private static byte[] write(ObjectMapper mapper, ObjectNode node) {
        try {
            return mapper.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize OpenAPI document", e);
        }
    }

    static String sha512(byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
