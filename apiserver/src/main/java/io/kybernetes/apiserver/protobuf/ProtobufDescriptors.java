package io.kybernetes.apiserver.protobuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;

/**
 * The protobuf descriptors of the Kubernetes v1 APIs and the facts where their JSON form departs from the message
 * shape (inline fields, renamed fields). Shared by the codec and by the build-time OpenAPI schema generator.
 */
public final class ProtobufDescriptors {

    private static final List<FileDescriptor> FILES = List.of(V1.getDescriptor(), V1Apps.getDescriptor(),
            V1Autoscaling.getDescriptor(), V1Batch.getDescriptor(), V1Policy.getDescriptor(),
            V1Networking.getDescriptor(), V1Rbac.getDescriptor(), V1Storage.getDescriptor(),
            V1Scheduling.getDescriptor(), V1Certificates.getDescriptor(), V1Admissionregistration.getDescriptor(),
            V1Authentication.getDescriptor(), V1Authorization.getDescriptor(), CoordinationV1.descriptor());

    /**
     * Go structs embedded with {@code json:",inline"}: a message field in protobuf whose own fields sit directly in
     * the parent JSON object (Volume.volumeSource holds emptyDir, configMap...; Probe.handler holds exec, httpGet...).
     * A fact list of the v1 APIs, found by comparing these messages with the JSON names of the OpenAPI models.
     */
    private static final Set<String> INLINE = Set.of(
            "k8s.io.api.core.v1.Volume.volumeSource",
            "k8s.io.api.core.v1.Probe.handler",
            "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
            "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
            "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
            "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
            "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
            "k8s.io.api.core.v1.SecretProjection.localObjectReference",
            "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
            "k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations",
            "k8s.io.api.admissionregistration.v1.RuleWithOperations.rule");

    /** Protobuf field names that differ from the JSON name (the same comparison found them). */
    private static final Map<String, String> JSON_NAMES = Map.of(
            "k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration.Webhooks", "webhooks",
            "k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration.Webhooks", "webhooks",
            "k8s.io.api.admissionregistration.v1.Validation.Expression", "expression",
            "k8s.io.api.admissionregistration.v1.Variable.Expression", "expression",
            "k8s.io.api.admissionregistration.v1.Variable.Name", "name",
            "k8s.io.api.authentication.v1.BoundObjectReference.uID", "uid",
            "k8s.io.api.networking.v1.IngressClassParametersReference.aPIGroup", "apiGroup");

    private static final ProtoKinds KINDS = new ProtoKinds();

    private ProtobufDescriptors() {
    }

    /** The API files (core, apps, autoscaling, coordination, ... all at v1); meta/runtime come as dependencies. */
    public static List<FileDescriptor> files() {
        return FILES;
    }

    /** The message of a kind (also *List kinds and meta.k8s.io kinds such as Status under any apiVersion). */
    public static Optional<Descriptor> kind(String apiVersion, String kind) {
        return KINDS.find(apiVersion, kind);
    }

    /** k8s.io.api.apps.v1 -> apps/v1, k8s.io.api.core.v1 -> v1, k8s.io.api.rbac.v1 -> rbac.authorization.k8s.io/v1. */
    public static String apiVersionOf(String protoPackage) {
        return ProtoKinds.apiVersionOf(protoPackage);
    }

    /** Whether the message is a kind: it has an ObjectMeta or ListMeta metadata field. */
    public static boolean isKind(Descriptor message) {
        return ProtoKinds.isKind(message);
    }

    public static boolean isInline(FieldDescriptor field) {
        return INLINE.contains(field.getFullName());
    }

    public static String jsonName(FieldDescriptor field) {
        return JSON_NAMES.getOrDefault(field.getFullName(), field.getName());
    }

    /** The message's (non-inline) field of that JSON name, or null. */
    public static FieldDescriptor fieldByJsonName(Descriptor message, String jsonName) {
        for (FieldDescriptor field : message.getFields()) {
            if (!isInline(field) && jsonName(field).equals(jsonName)) {
                return field;
            }
        }
        return null;
    }

    public static List<FieldDescriptor> inlineFields(Descriptor message) {
        List<FieldDescriptor> inline = new ArrayList<>();
        for (FieldDescriptor field : message.getFields()) {
            if (isInline(field)) {
                inline.add(field);
            }
        }
        return inline;
    }
}
