package io.kybernetes.apiserver.openapi;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.annotations.SerializedName;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kybernetes.apiserver.protobuf.ProtobufDescriptors;
import io.swagger.annotations.ApiModel;
import io.swagger.annotations.ApiModelProperty;

/**
 * Build-time generator of the OpenAPI v3 component schemas the apiserver serves (src/main/resources/openapi/
 * schemas.json). Field names, descriptions and required flags come from the model classes of
 * io.kubernetes:client-java-api (their {@code @SerializedName} and {@code @ApiModelProperty}, which carry upstream's
 * OpenAPI text); schema names (io.k8s.api.apps.v1.Deployment...) and the Time/MicroTime/RawExtension/FieldsV1
 * distinctions come from the protobuf descriptors of io.kubernetes:client-java-proto, whose packages are upstream's.
 * Patch strategies and merge keys are a fact list written by hand ({@link #PATCH}). Run it with
 * {@code mvn -pl apiserver test -Dtest=GeneratedSchemasTest -Dopenapi.write=true}; nothing here runs in the server.
 */
public final class SchemaGenerator {

    static final Path OUTPUT = Path.of("src/main/resources/openapi/schemas.json");

    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final String META_PACKAGE = Meta.getDescriptor().getPackage() + ".";
    private static final String REF = "#/components/schemas/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** meta.k8s.io kinds the apiserver answers with or accepts, beside the API kinds of every protobuf file. */
    static final List<String> META_KINDS = List.of("Status", "DeleteOptions", "WatchEvent", "APIResourceList");


    /**
     * Strategic-merge facts of the served types: "Schema.field" -> {patch strategy, merge key, list type, map keys}.
     * From the upstream API's patchStrategy/patchMergeKey/listType/listMapKey markers.
     */
    static final Map<String, String[]> PATCH = Map.ofEntries(
            patch("io.k8s.api.core.v1.PodSpec.volumes", "merge,retainKeys", "name", "map", "name"),
            patch("io.k8s.api.core.v1.PodSpec.initContainers", "merge", "name", "atomic", null),
            patch("io.k8s.api.core.v1.PodSpec.containers", "merge", "name", "atomic", null),
            patch("io.k8s.api.core.v1.PodSpec.ephemeralContainers", "merge", "name", "atomic", null),
            patch("io.k8s.api.core.v1.PodSpec.imagePullSecrets", "merge", "name", "map", "name"),
            patch("io.k8s.api.core.v1.PodSpec.hostAliases", "merge", "ip", "map", "ip"),
            patch("io.k8s.api.core.v1.PodSpec.topologySpreadConstraints", "merge", "topologyKey", "map",
                    "topologyKey,whenUnsatisfiable"),
            patch("io.k8s.api.core.v1.PodSpec.resourceClaims", "merge,retainKeys", "name", "map", "name"),
            patch("io.k8s.api.core.v1.PodSpec.schedulingGates", "merge", "name", "map", "name"),
            patch("io.k8s.api.core.v1.Container.ports", "merge", "containerPort", "map", "containerPort,protocol"),
            patch("io.k8s.api.core.v1.Container.env", "merge", "name", "map", "name"),
            patch("io.k8s.api.core.v1.Container.volumeMounts", "merge", "mountPath", "map", "mountPath"),
            patch("io.k8s.api.core.v1.Container.volumeDevices", "merge", "devicePath", "map", "devicePath"),
            patch("io.k8s.api.core.v1.EphemeralContainer.ports", "merge", "containerPort", "map",
                    "containerPort,protocol"),
            patch("io.k8s.api.core.v1.EphemeralContainer.env", "merge", "name", "map", "name"),
            patch("io.k8s.api.core.v1.EphemeralContainer.volumeMounts", "merge", "mountPath", "map", "mountPath"),
            patch("io.k8s.api.core.v1.EphemeralContainer.volumeDevices", "merge", "devicePath", "map", "devicePath"),
            patch("io.k8s.api.core.v1.PodStatus.conditions", "merge", "type", "map", "type"),
            patch("io.k8s.api.core.v1.PodStatus.podIPs", "merge", "ip", "map", "ip"),
            patch("io.k8s.api.core.v1.PodStatus.hostIPs", "merge", "ip", "atomic", null),
            patch("io.k8s.api.core.v1.NodeSpec.podCIDRs", "merge", null, "set", null),
            patch("io.k8s.api.core.v1.NodeStatus.conditions", "merge", "type", "map", "type"),
            patch("io.k8s.api.core.v1.NodeStatus.addresses", "merge", "type", "map", "type"),
            patch("io.k8s.api.core.v1.ServiceSpec.ports", "merge", "port", "map", "port,protocol"),
            patch("io.k8s.api.core.v1.ServiceStatus.conditions", "merge", "type", "map", "type"),
            patch("io.k8s.api.core.v1.NamespaceStatus.conditions", "merge", "type", "map", "type"),
            patch("io.k8s.api.core.v1.ServiceAccount.secrets", "merge", "name", "map", "name"),
            patch("io.k8s.api.apps.v1.DeploymentStatus.conditions", "merge", "type", "map", "type"),
            patch("io.k8s.api.apps.v1.ReplicaSetStatus.conditions", "merge", "type", "map", "type"),
            patch(META + "ObjectMeta.finalizers", "merge", null, "set", null),
            patch(META + "ObjectMeta.ownerReferences", "merge", "uid", "map", "uid"));

    /**
     * Served kinds whose group version has no protobuf messages in client-java-proto 24.0.0: model class, schema
     * name, group, version, kind. Their nested types are named after the owner's package.
     */
    static final List<String[]> MODEL_ONLY = List.of(
            modelRoot("V2HorizontalPodAutoscaler", "io.k8s.api.autoscaling.v2", "autoscaling", "v2"),
            modelRoot("V2HorizontalPodAutoscalerList", "io.k8s.api.autoscaling.v2", "autoscaling", "v2"),
            modelRoot("V1EndpointSlice", "io.k8s.api.discovery.v1", "discovery.k8s.io", "v1"),
            modelRoot("V1EndpointSliceList", "io.k8s.api.discovery.v1", "discovery.k8s.io", "v1"),
            modelRoot("EventsV1Event", "io.k8s.api.events.v1", "events.k8s.io", "v1"),
            modelRoot("EventsV1EventList", "io.k8s.api.events.v1", "events.k8s.io", "v1"),
            modelRoot("V1CustomResourceDefinition", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
                    "apiextensions.k8s.io", "v1"),
            modelRoot("V1CustomResourceDefinitionList", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
                    "apiextensions.k8s.io", "v1"));

    private static String[] modelRoot(String model, String pkg, String group, String version) {
        String kind = model.replaceFirst("^([A-Z][a-z]+)?V[0-9]+", "");
        return new String[] { model, pkg + "." + kind, group, version, kind };
    }

    private final Map<String, ObjectNode> schemas = new TreeMap<>();
    private final Map<String, Descriptor> protoByName = new TreeMap<>();

    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : OUTPUT;
        Files.createDirectories(out.getParent());
        Files.writeString(out, new SchemaGenerator().generateJson());
    }

    String generateJson() throws IOException {
        ObjectNode root = NODES.objectNode();
        root.put("source", "generated by SchemaGenerator (apiserver test sources) from io.kubernetes:client-java-api"
                + " and client-java-proto 24.0.0 model metadata; do not edit");
        ObjectNode out = root.putObject("schemas");
        generate().forEach(out::set);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(root) + "\n";
    }

    Map<String, ObjectNode> generate() {
        addScalars();
        for (FileDescriptor file : ProtobufDescriptors.files()) {
            for (Descriptor message : file.getMessageTypes()) {
                protoByName.put(schemaName(message), message);
            }
        }
        for (Descriptor message : Meta.getDescriptor().getMessageTypes()) {
            protoByName.put(schemaName(message), message);
        }
        // Every kind of every API file, so that a newly registered resource finds its schema; the served
        // documents take only what their resources reach.
        List<String> groups = new ArrayList<>();
        for (FileDescriptor file : ProtobufDescriptors.files()) {
            String apiVersion = ProtobufDescriptors.apiVersionOf(file.getPackage());
            if (!apiVersion.equals("v1") && !apiVersion.endsWith("/v1")) {
                continue; // the other versions' kinds are MODEL_ONLY roots (their models are not V1...)
            }
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            groups.add(group);
            for (Descriptor message : file.getMessageTypes()) {
                if (!ProtobufDescriptors.isKind(message)) {
                    continue;
                }
                Optional<Class<?>> model = modelClass(message.getName(), group);
                if (model.isEmpty()) {
                    continue; // no client-java-api model of that name: nothing to describe it with
                }
                root(model.get(), message, List.of(group));
            }
        }
        for (String[] m : MODEL_ONLY) {
            try {
                visit(Class.forName(MODELS + m[0]), m[1], null);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("no client-java-api model " + m[0], e);
            }
            schemas.get(m[1]).putArray("x-kubernetes-group-version-kind").addObject().put("group", m[2])
                    .put("kind", m[4]).put("version", m[3]);
        }
        for (String kind : META_KINDS) {
            root(modelClass(kind, "").orElseThrow(), ProtobufDescriptors.message(META_PACKAGE + kind),
                    kind.equals("Status") || kind.equals("APIResourceList") ? List.of("") : groups);
        }
        return schemas;
    }

    private void root(Class<?> model, Descriptor message, List<String> groups) {
        String name = schemaName(message);
        visit(model, name, message);
        ArrayNode gvks = schemas.get(name).putArray("x-kubernetes-group-version-kind");
        for (String group : groups) {
            gvks.addObject().put("group", group).put("kind", message.getName()).put("version", "v1");
        }
    }

    private void visit(Class<?> model, String name, Descriptor message) {
        if (schemas.containsKey(name)) {
            return;
        }
        ObjectNode schema = NODES.objectNode();
        schemas.put(name, schema);
        ApiModel apiModel = model.getAnnotation(ApiModel.class);
        if (apiModel != null && !apiModel.description().isEmpty()) {
            schema.put("description", apiModel.description());
        }
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (Field field : model.getDeclaredFields()) {
            SerializedName json = field.getAnnotation(SerializedName.class);
            if (json == null || Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            String jsonName = json.value();
            ApiModelProperty doc = getter(model, field).map(m -> m.getAnnotation(ApiModelProperty.class)).orElse(null);
            FieldDescriptor protoField = message == null ? null : protoField(message, jsonName);
            ObjectNode property = typeOf(field.getGenericType(), protoField, name);
            if (doc != null && !doc.value().isEmpty()) {
                describe(property, doc.value());
            } else if (property.has("$ref")) {
                // client-java-api drops the text of fields whose type is another model: fall back to the type's
                // own description, as a sibling of $ref so that explain does not print it twice.
                String target = property.get("$ref").asText().substring(REF.length());
                JsonNode referenced = schemas.get(target);
                if (referenced != null && referenced.has("description")) {
                    property.put("description", referenced.get("description").asText());
                }
            }
            String[] patch = PATCH.get(name + "." + jsonName);
            if (patch != null) {
                if (patch[2] != null) {
                    property.put("x-kubernetes-list-type", patch[2]);
                }
                if (patch[3] != null) {
                    ArrayNode keys = property.putArray("x-kubernetes-list-map-keys");
                    for (String key : patch[3].split(",")) {
                        keys.add(key);
                    }
                }
                if (patch[1] != null) {
                    property.put("x-kubernetes-patch-merge-key", patch[1]);
                }
                property.put("x-kubernetes-patch-strategy", patch[0]);
            }
            properties.set(jsonName, property);
            if (doc != null && doc.required()) {
                required.add(jsonName);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
    }

    /** Upstream wraps a described $ref in allOf so the description does not sit beside the $ref. */
    private static void describe(ObjectNode property, String description) {
        if (property.has("$ref")) {
            String ref = property.remove("$ref").asText();
            property.putArray("allOf").addObject().put("$ref", ref);
        }
        property.put("description", description);
    }

    private ObjectNode typeOf(Type type, FieldDescriptor protoField, String owner) {
        ObjectNode node = NODES.objectNode();
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (List.class.isAssignableFrom(raw)) {
                node.put("type", "array");
                node.set("items", typeOf(p.getActualTypeArguments()[0], protoField, owner));
                return node;
            }
            if (Map.class.isAssignableFrom(raw)) {
                FieldDescriptor valueField = protoField != null && protoField.isMapField()
                        ? protoField.getMessageType().findFieldByName("value")
                        : null;
                node.put("type", "object");
                node.set("additionalProperties", typeOf(p.getActualTypeArguments()[1], valueField, owner));
                return node;
            }
            throw new IllegalStateException("unexpected generic type " + type + " in " + owner);
        }
        Class<?> c = (Class<?>) type;
        String protoType = protoField != null && protoField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                ? schemaName(protoField.getMessageType())
                : null;
        if (c == String.class) {
            node.put("type", "string");
        } else if (c == Integer.class) {
            node.put("type", "integer").put("format", "int32");
        } else if (c == Long.class) {
            node.put("type", "integer").put("format", "int64");
        } else if (c == Boolean.class) {
            node.put("type", "boolean");
        } else if (c == Double.class || c == Float.class) {
            node.put("type", "number").put("format", c == Double.class ? "double" : "float");
        } else if (c == byte[].class) {
            node.put("type", "string").put("format", "byte");
        } else if (c == OffsetDateTime.class) {
            node.put("$ref", REF + (protoType != null ? protoType : META + "Time"));
        } else if (c == IntOrString.class) {
            node.put("$ref", REF + "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
        } else if (c == Quantity.class) {
            node.put("$ref", REF + "io.k8s.apimachinery.pkg.api.resource.Quantity");
        } else if (c == Object.class) {
            if (protoType != null) {
                node.put("$ref", REF + protoType);
            } else {
                node.put("type", "object");
                node.put("x-kubernetes-preserve-unknown-fields", true);
            }
        } else if (c.getName().startsWith(MODELS)) {
            Descriptor nested = protoField != null && protoField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    ? protoField.getMessageType()
                    : guessProto(c, owner);
            String name = nested != null ? schemaName(nested) : guessName(c, owner);
            node.put("$ref", REF + name);
            visit(c, name, nested);
        } else {
            throw new IllegalStateException("unexpected type " + c + " in " + owner);
        }
        return node;
    }

    /** A model type without a matching protobuf field (newer than the protos): look it up by name near its owner. */
    private Descriptor guessProto(Class<?> model, String owner) {
        String simple = simpleName(model);
        String ownerPackage = owner.substring(0, owner.lastIndexOf('.') + 1);
        for (String candidate : List.of(ownerPackage + simple, "io.k8s.api.core.v1." + simple, META + simple)) {
            if (protoByName.containsKey(candidate)) {
                return protoByName.get(candidate);
            }
        }
        return null;
    }

    private static String guessName(Class<?> model, String owner) {
        return owner.substring(0, owner.lastIndexOf('.') + 1) + simpleName(model);
    }

    /** V1Pod -> Pod, V2MetricSpec -> MetricSpec, EventsV1EventSeries -> EventSeries. */
    private static String simpleName(Class<?> model) {
        return model.getSimpleName().replaceFirst("^([A-Z][a-z]+)?V[0-9]+((alpha|beta)[0-9]+)?(?=[A-Z])", "");
    }

    private static FieldDescriptor protoField(Descriptor message, String jsonName) {
        FieldDescriptor direct = ProtobufDescriptors.fieldByJsonName(message, jsonName);
        if (direct != null) {
            return direct;
        }
        for (FieldDescriptor inline : ProtobufDescriptors.inlineFields(message)) {
            FieldDescriptor nested = protoField(inline.getMessageType(), jsonName);
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static Optional<Method> getter(Class<?> model, Field field) {
        String base = field.getName().replaceFirst("^_", "");
        String suffix = Character.toUpperCase(base.charAt(0)) + base.substring(1);
        for (String prefix : List.of("get", "is")) {
            try {
                return Optional.of(model.getMethod(prefix + suffix));
            } catch (NoSuchMethodException e) {
                // try the next prefix
            }
        }
        return Optional.empty();
    }

    /** k8s.io.api.apps.v1.Deployment -> io.k8s.api.apps.v1.Deployment (upstream's OpenAPI names). */
    static String schemaName(Descriptor message) {
        return "io.k8s." + message.getFullName().substring("k8s.io.".length());
    }

    /** The client-java-api model of a v1 kind: V1Deployment, or with the group when names clash (CoreV1Event). */
    private static Optional<Class<?>> modelClass(String kind, String group) {
        List<String> prefixes = group.isEmpty() ? List.of("V1", "CoreV1")
                : List.of(Character.toUpperCase(group.charAt(0)) + group.split("\\.")[0].substring(1) + "V1", "V1");
        for (String prefix : prefixes) {
            try {
                return Optional.of(Class.forName(MODELS + prefix + kind));
            } catch (ClassNotFoundException e) {
                // try the next prefix
            }
        }
        return Optional.empty();
    }

    private void addScalars() {
        scalar(META + "Time", "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON."
                + " Wrappers are provided for many of the factory methods that the time package offers.",
                "string", "date-time");
        scalar(META + "MicroTime", "MicroTime is version of Time with microsecond level precision.", "string",
                "date-time");
        scalar("io.k8s.apimachinery.pkg.util.intstr.IntOrString", "IntOrString is a type that can hold an int32 or a"
                + " string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner"
                + " type.", "string", "int-or-string");
        scalar("io.k8s.apimachinery.pkg.api.resource.Quantity", "Quantity is a fixed-point representation of a"
                + " number, such as 500m, 1Gi or 0.5 (serialized as a string).", "string", null);
        ObjectNode raw = scalar("io.k8s.apimachinery.pkg.runtime.RawExtension", "RawExtension is used to hold"
                + " extensions in external versions: an embedded object.", "object", null);
        raw.put("x-kubernetes-preserve-unknown-fields", true);
        ObjectNode fields = scalar(META + "FieldsV1", "FieldsV1 stores a set of fields in a data structure like a"
                + " Trie, in JSON format.", "object", null);
        fields.put("x-kubernetes-preserve-unknown-fields", true);
        scalar(META + "Patch", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request"
                + " body.", "object", null);
    }

    private ObjectNode scalar(String name, String description, String type, String format) {
        ObjectNode node = NODES.objectNode().put("description", description).put("type", type);
        if (format != null) {
            node.put("format", format);
        }
        schemas.put(name, node);
        return node;
    }

    private static String[] root(String group, String kind) {
        return new String[] { group, kind };
    }

    private static Map.Entry<String, String[]> patch(String field, String strategy, String mergeKey,
            String listType, String mapKeys) {
        return Map.entry(field, new String[] { strategy, mergeKey, listType, mapKeys });
    }

    static {
        // Touch the generated proto classes once so their descriptors are initialised in a known order.
        V1.getDescriptor();
        V1Apps.getDescriptor();
        V1Autoscaling.getDescriptor();
    }
}
