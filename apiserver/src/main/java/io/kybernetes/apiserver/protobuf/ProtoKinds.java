package io.kybernetes.apiserver.protobuf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.kubernetes.client.proto.Meta;

/**
 * Which protobuf message encodes which apiVersion and kind. The messages are the compiled ones of
 * io.kubernetes:client-java-proto (upstream package names such as k8s.io.api.apps.v1), plus
 * {@link CoordinationV1}. A kind is a top-level message with an ObjectMeta or ListMeta {@code metadata} field; the
 * meta.k8s.io/v1 kinds (Status, DeleteOptions, WatchEvent, ...) are found under any apiVersion, as upstream registers
 * them in every group version.
 */
final class ProtoKinds {

    private static final String META_PACKAGE = Meta.getDescriptor().getPackage();
    private static final String OBJECT_META = META_PACKAGE + ".ObjectMeta";
    private static final String LIST_META = META_PACKAGE + ".ListMeta";

    /** meta.k8s.io/v1 kinds that may arrive under any group version. */
    private static final List<String> META_KINDS = List.of("Status", "DeleteOptions", "CreateOptions", "UpdateOptions",
            "PatchOptions", "GetOptions", "ListOptions", "WatchEvent", "List", "APIGroup", "APIGroupList",
            "APIResourceList", "APIVersions", "PartialObjectMetadata", "PartialObjectMetadataList");

    private final Map<String, Descriptor> byApiVersionKind = new HashMap<>();
    private final Map<String, Descriptor> metaKinds = new HashMap<>();

    ProtoKinds() {
        for (FileDescriptor file : ProtobufDescriptors.files()) {
            String apiVersion = apiVersionOf(file.getPackage());
            for (Descriptor message : file.getMessageTypes()) {
                if (isKind(message)) {
                    byApiVersionKind.put(key(apiVersion, message.getName()), message);
                }
            }
        }
        for (String kind : META_KINDS) {
            metaKinds.put(kind, ProtobufDescriptors.message(META_PACKAGE + "." + kind));
        }
    }

    Optional<Descriptor> find(String apiVersion, String kind) {
        if (apiVersion == null || kind == null) {
            return Optional.empty();
        }
        Descriptor found = byApiVersionKind.get(key(apiVersion, kind));
        return Optional.ofNullable(found != null ? found : metaKinds.get(kind));
    }

    /** k8s.io.api.apps.v1 -> apps/v1, k8s.io.api.core.v1 -> v1, k8s.io.api.rbac.v1 -> rbac.authorization.k8s.io/v1. */
    static String apiVersionOf(String protoPackage) {
        String[] parts = protoPackage.split("\\.");
        String version = parts[parts.length - 1];
        String segment = parts[parts.length - 2];
        String group = switch (segment) {
            case "core" -> "";
            case "apps", "batch", "autoscaling", "policy" -> segment;
            case "rbac" -> "rbac.authorization.k8s.io";
            default -> segment + ".k8s.io";
        };
        return group.isEmpty() ? version : group + "/" + version;
    }

    static boolean isKind(Descriptor message) {
        FieldDescriptor metadata = message.findFieldByName("metadata");
        if (metadata == null || metadata.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return false;
        }
        String type = metadata.getMessageType().getFullName();
        return type.equals(OBJECT_META) || type.equals(LIST_META);
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + "|" + kind;
    }
}
